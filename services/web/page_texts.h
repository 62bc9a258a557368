// The words of the self-service pages in Finnish, Swedish and English.
//
//   std::string title = PageText("offers_title", "sv");   // "Mina erbjudanden"
#ifndef KOKEMUS_SERVICES_WEB_PAGE_TEXTS_H_
#define KOKEMUS_SERVICES_WEB_PAGE_TEXTS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace kokemus::web {

// The text of `key` in `language` (fi, sv, en; others: fi); the key itself
// for an unknown key (a test checks every key has all three).
std::string PageText(absl::string_view key, absl::string_view language);
// Every key with its text in `language`.
std::vector<std::pair<std::string, std::string>> PageTexts(absl::string_view language);

}  // namespace kokemus::web

#endif  // KOKEMUS_SERVICES_WEB_PAGE_TEXTS_H_

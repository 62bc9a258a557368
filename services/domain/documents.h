// Documents Kokemus writes (assignment contracts, privacy notices): a tiny
// structured form that both the plain-text and the PDF renderings read, the
// locale formatting of money and times, and mustache templates that produce
// the structure.
//
// A rendered template is text with a light markup, one block per paragraph:
//   # Title                      the document's title (first line)
//   ## Heading                   a section heading
//   | Fee | 150,00 € |           table rows (consecutive lines form a table)
//   | **Total** | 150,00 € |     a table's last row, marked as its total (bold)
//   anything else                a paragraph; lines of one paragraph are joined
//
//   auto text = RenderTemplate(template_text, data);   // mustache
//   Document doc = ParseDocument(*text);
//   std::string plain = PlainText(doc);
#ifndef KOKEMUS_SERVICES_DOMAIN_DOCUMENTS_H_
#define KOKEMUS_SERVICES_DOMAIN_DOCUMENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kainjow::mustache {
template <typename StringType>
class basic_data;
}  // namespace kainjow::mustache

namespace kokemus::domain {

// Languages documents are written in.
bool IsDocumentLanguage(absl::string_view language);  // fi, sv, en
// 0 for fi (and anything else), 1 for sv, 2 for en.
inline int LanguageIndex(absl::string_view language) {
  return language == "sv" ? 1 : language == "en" ? 2 : 0;
}
// A text of a document built in code, [fi, sv, en].
struct Words {
  const char* text[3];
  std::string In(absl::string_view language) const { return text[LanguageIndex(language)]; }
};
// printf-style formatting of a translated text, whose format is known only
// at run time (absl::StrFormat wants it at compile time, which clang checks).
template <typename... Args>
std::string FormatText(const std::string& format, const Args&... args) {
  std::string out;
  absl::FormatUntyped(&out, absl::UntypedFormatSpec(format), {absl::FormatArg(args)...});
  return out;
}

// "1 234,50 €" (fi, sv: narrow no-break space between thousands), "€1,234.50" (en).
std::string FormatMoney(int64_t cents, absl::string_view language);
// In Helsinki time: "24.12.2026 klo 9.00" (fi), "24.12.2026 kl. 9.00" (sv),
// "24 December 2026 at 9:00" (en).
std::string FormatDateTime(absl::Time t, absl::string_view language);
// "24.12.2026" (fi, sv), "24 December 2026" (en).
std::string FormatDate(absl::Time t, absl::string_view language);

// A bar chart (render/pdf.h draws it with PLplot); its numbers belong in a
// table beside it.
struct Chart {
  std::vector<std::string> categories;      // one bar (or group of bars) each
  std::vector<std::string> series;          // legend; one name per series
  std::vector<std::vector<double>> values;  // [series][category]
  std::string value_label;                  // the value axis
  bool horizontal = false;                  // bars to the right, labels on the left
  bool operator==(const Chart&) const = default;
};

struct Block {
  enum class Kind { kTitle, kHeading, kParagraph, kTable, kChart };
  Kind kind = Kind::kParagraph;
  std::string text;                            // title, heading, paragraph
  std::vector<std::vector<std::string>> rows;  // table cells
  Chart chart;
  bool total_row = false;  // a table's last row is its total, set in bold
  // A paragraph that introduces what follows (a question above its chart):
  // kept on the same page with it, as a heading is.
  bool keep_with_next = false;
  bool operator==(const Block&) const = default;
};

struct Document {
  std::vector<Block> blocks;
  // Printed at the foot of every page before the page number (a contract's
  // id and checksum); not part of the document's text.
  std::string footer;
};
// Blocks of a document built in code.
inline Block Title(std::string text) { return {Block::Kind::kTitle, std::move(text), {}, {}}; }
inline Block Heading(std::string text) { return {Block::Kind::kHeading, std::move(text), {}, {}}; }
inline Block Paragraph(std::string text) {
  return {Block::Kind::kParagraph, std::move(text), {}, {}};
}
inline Block Table(std::vector<std::vector<std::string>> rows, bool total = false) {
  return {Block::Kind::kTable, "", std::move(rows), {}, total};
}

// The title block's text ("" without one), for the PDF's title.
std::string DocumentTitle(const Document& document);

Document ParseDocument(absl::string_view marked_up_text);
// The document as plain UTF-8 text: title underlined, tables aligned.
std::string PlainText(const Document& document);

using TemplateData = kainjow::mustache::basic_data<std::string>;

// OK, or INVALID_ARGUMENT naming `field` with the line and the reason of the
// first syntax error.
absl::Status CheckTemplate(absl::string_view text, absl::string_view field);
absl::StatusOr<std::string> RenderTemplate(absl::string_view text, const TemplateData& data);

// The names a template uses, as variables or sections, each once in order
// of first use ("{{{topic}}}", "{{#paid}}" → topic, paid); comments skipped.
// INVALID_ARGUMENT naming `field` for a syntax error, a partial ("{{>x}}")
// or a change of delimiters ("{{=<% %>=}}"), which templates may not use.
absl::StatusOr<std::vector<std::string>> TemplateNames(
    absl::string_view text, absl::string_view field);
// OK, or INVALID_ARGUMENT naming `field`: the template uses a name not in
// `allowed` (a typo such as {{expert_nmae}} would print nothing), or lacks
// one of `required`.
absl::Status CheckTemplateNames(
    absl::string_view text, absl::string_view field, const std::vector<std::string>& allowed,
    const std::vector<std::string>& required);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_DOCUMENTS_H_

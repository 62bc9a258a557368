// A page of a list, and how a store ends one (AIP-158).
#ifndef KOKEMUS_SERVICES_STORAGE_PAGE_H_
#define KOKEMUS_SERVICES_STORAGE_PAGE_H_

#include <string>
#include <vector>

#include "services/domain/listing.h"

namespace kokemus::storage {

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;
};

// Lists read page_size + 1 rows: an extra row means there is a next page.
// Drops it and sets the token from the cursor of the page's last item.
template <typename T, typename CursorOf>
void FinishPage(Page<T>& page, const domain::ListQuery& query, CursorOf cursor_of) {
  if (page.items.size() <= static_cast<size_t>(query.page_size)) return;
  page.items.pop_back();
  page.next_page_token = domain::NextPageToken(query, cursor_of(page.items.back()));
}

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_PAGE_H_

// PDF output of the documents Kokemus writes (contracts, privacy notices,
// annual reports): the structured Document of domain/documents.h laid out
// with Pango and written with Cairo, bar charts drawn with PLplot. The only
// place that links those libraries; the rules that fill a Document stay in
// domain/.
//
//   domain::Document doc = domain::ParseDocument(*text);
//   absl::StatusOr<std::string> pdf = render::RenderPdf(doc, "Kokemus contract", created);
#ifndef KOKEMUS_SERVICES_RENDER_PDF_H_
#define KOKEMUS_SERVICES_RENDER_PDF_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/documents.h"

namespace kokemus::render {

// Lays the document out on A4 pages with Pango and writes a PDF with Cairo:
// title, wrapping paragraphs, tables, charts, page numbers "1 / 2", DejaVu
// Sans. `created` is written as both the creation and modification date, so
// the same inputs give byte-identical output.
absl::StatusOr<std::string> RenderPdf(
    const domain::Document& document, absl::string_view title, absl::Time created);

}  // namespace kokemus::render

#endif  // KOKEMUS_SERVICES_RENDER_PDF_H_

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
// title, wrapping paragraphs, tables (figures to the right, words to the
// left), charts, the document's footer and page numbers "1 / 2" on every
// page, DejaVu Sans. A heading stays with what follows it. `title` is the
// PDF's title ("": the document's title block, in its own language).
// `created` is written as both the creation and modification date, so the
// same inputs give byte-identical output.
absl::StatusOr<std::string> RenderPdf(
    const domain::Document& document, absl::string_view title, absl::Time created);

// The text with a word joiner (U+2060) after each hyphen inside a word whose
// part before or after it is at most three characters, so that "Y-tunnus",
// "FO-nummer" and "1234567-1" are not split across lines.
std::string KeepShortHyphenatedWordsWhole(absl::string_view text);
// Whether a table cell is a figure (an amount, a count, a percentage, "–").
bool LooksNumeric(absl::string_view cell);

}  // namespace kokemus::render

#endif  // KOKEMUS_SERVICES_RENDER_PDF_H_

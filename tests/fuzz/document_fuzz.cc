// libFuzzer target: the document renderer. Any text (a contract template's
// output, a privacy notice) is parsed into a Document and laid out as a PDF
// with Pango and Cairo; neither may crash, and Pango markup in the text must
// stay text (the renderer escapes it), so rendering never fails.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/time/time.h"
#include "services/domain/documents.h"
#include "services/render/pdf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A contract is a few pages; longer inputs only slow the search down.
  if (size > 4096) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const kokemus::domain::Document document = kokemus::domain::ParseDocument(text);
  const auto pdf = kokemus::render::RenderPdf(document, text.substr(0, 40), absl::UnixEpoch());
  if (!pdf.ok()) {
    std::fprintf(stderr, "document_fuzz: %s\n", pdf.status().ToString().c_str());
    std::abort();
  }
  if (pdf->compare(0, 5, "%PDF-") != 0) std::abort();
  return 0;
}

// A task survey's QR code (libqrencode) as PNG (Cairo) or SVG, and its
// printable one-page card: the invitation, the code and the short link, as a
// PDF (Pango and Cairo, as render/pdf.h). The words are the domain's
// (domain::SurveyCardFor).
//
//   auto png = render::QrPng("https://kokemus.example.fi/k/abcd234567");
//   auto pdf = render::SurveyCardPdf(domain::SurveyCardFor(...), created);
#ifndef KOKEMUS_SERVICES_RENDER_QR_H_
#define KOKEMUS_SERVICES_RENDER_QR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/surveys.h"

namespace kokemus::render {

// The QR code of `text` (error correction M) with a quiet zone of 4 modules,
// each module `module_pixels` square, black on white.
absl::StatusOr<std::string> QrPng(absl::string_view text, int module_pixels = 8);
// The same as SVG: one path, scalable for print and slides.
absl::StatusOr<std::string> QrSvg(absl::string_view text);
// An A4 page: title, invitation, the QR code (9 cm), the link in large type
// and when the survey closes. The same inputs give the same bytes.
absl::StatusOr<std::string> SurveyCardPdf(const domain::SurveyCard& card, absl::Time created);

}  // namespace kokemus::render

#endif  // KOKEMUS_SERVICES_RENDER_QR_H_

#include "services/render/qr.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace kokemus::render {
namespace {

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};
using Qr = std::unique_ptr<QRcode, QrFree>;

constexpr int kQuietZone = 4;

absl::StatusOr<Qr> Encode(absl::string_view text) {
  const std::string s(text);
  Qr qr(QRcode_encodeString(s.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (qr == nullptr) return absl::InvalidArgumentError("the link is too long for a QR code");
  return qr;
}

bool Dark(const QRcode& q, int x, int y) { return (q.data[y * q.width + x] & 1) != 0; }

// The dark modules as filled rectangles at `origin`, `module` units each.
void DrawModules(cairo_t* cr, const QRcode& q, double x0, double y0, double module) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int y = 0; y < q.width; ++y) {
    for (int x = 0; x < q.width; ++x) {
      if (Dark(q, x, y)) cairo_rectangle(cr, x0 + x * module, y0 + y * module, module, module);
    }
  }
  cairo_fill(cr);
}

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Draws `text` in `font` centred (or left) at y within [x, x + width); its height.
double Text(
    cairo_t* cr, const std::string& text, const char* font, double x, double y, double width,
    bool centred) {
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* desc = pango_font_description_from_string(font);
  pango_layout_set_font_description(layout, desc);
  pango_font_description_free(desc);
  pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(layout, centred ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
  pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout);
  g_object_unref(layout);
  return static_cast<double>(h) / PANGO_SCALE;
}

}  // namespace

absl::StatusOr<std::string> QrPng(absl::string_view text, int module_pixels) {
  auto qr = Encode(text);
  if (!qr.ok()) return qr.status();
  const int side = ((*qr)->width + 2 * kQuietZone) * module_pixels;
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
  cairo_t* cr = cairo_create(surface);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  DrawModules(cr, **qr, kQuietZone * module_pixels, kQuietZone * module_pixels, module_pixels);
  cairo_destroy(cr);
  std::string out;
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface, Append, &out);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) return absl::InternalError("the QR code's PNG failed");
  return out;
}

absl::StatusOr<std::string> QrSvg(absl::string_view text) {
  auto qr = Encode(text);
  if (!qr.ok()) return qr.status();
  const int side = (*qr)->width + 2 * kQuietZone;
  std::string path;
  for (int y = 0; y < (*qr)->width; ++y) {
    for (int x = 0; x < (*qr)->width; ++x) {
      if (Dark(**qr, x, y))
        absl::StrAppend(&path, "M", x + kQuietZone, " ", y + kQuietZone, "h1v1h-1z");
    }
  }
  return absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", side, " ", side,
      "\" shape-rendering=\"crispEdges\"><title>QR</title><rect width=\"", side, "\" height=\"",
      side, "\" fill=\"#fff\"/><path fill=\"#000\" d=\"", path, "\"/></svg>\n");
}

absl::StatusOr<std::string> SurveyCardPdf(const domain::SurveyCard& card, absl::Time created) {
  auto qr = Encode(card.url);
  if (!qr.ok()) return qr.status();
  constexpr double kWidth = 595.28, kHeight = 841.89, kMargin = 64;
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Append, &out, kWidth, kHeight);
  cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
  const std::string date =
      absl::FormatTime("%Y-%m-%dT%H:%M:%S", created, absl::UTCTimeZone()) + "Z";
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, card.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Kokemus");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
  cairo_t* cr = cairo_create(surface);
  const double width = kWidth - 2 * kMargin;
  double y = kMargin;
  y += Text(cr, card.title, "DejaVu Sans Bold 30", kMargin, y, width, true) + 18;
  y += Text(cr, card.lead, "DejaVu Sans 14", kMargin, y, width, true) + 28;
  // 9 cm of code, quiet zone included.
  const double side = 9 / 2.54 * 72;
  const double module = side / ((*qr)->width + 2 * kQuietZone);
  const double x0 = (kWidth - side) / 2;
  DrawModules(cr, **qr, x0 + kQuietZone * module, y + kQuietZone * module, module);
  y += side + 22;
  y += Text(cr, card.url, "DejaVu Sans Mono Bold 15", kMargin, y, width, true) + 24;
  Text(cr, card.closes, "DejaVu Sans 13", kMargin, y, width, true);
  const double foot = kHeight - kMargin - 48;
  const double note = Text(cr, card.note, "DejaVu Sans 10", kMargin, foot, width, true);
  Text(cr, card.exchange, "DejaVu Sans Bold 11", kMargin, foot + note + 6, width, true);
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) return absl::InternalError("the survey card's PDF failed");
  return out;
}

}  // namespace kokemus::render

#include "services/render/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <plplot.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kokemus::render {

using domain::Block;
using domain::Chart;
using domain::Document;

namespace {

// Tables of at most this many rows are kept on one page.
constexpr size_t kShortTableRows = 8;

constexpr double kPageWidth = 595.276;  // A4 in points
constexpr double kPageHeight = 841.890;
constexpr double kMargin = 62.0;
constexpr double kFooter = 36.0;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using Layout = std::unique_ptr<PangoLayout, LayoutDeleter>;

}  // namespace

std::string KeepShortHyphenatedWordsWhole(absl::string_view text) {
  // A hyphen between letters or digits whose word part before or after it is
  // at most three characters ("Y-tunnus", "FO-nummer", "1234567-1") is
  // followed by U+2060 WORD JOINER: no line break there, nothing drawn, and
  // the text copied from the PDF keeps its plain hyphen.
  std::string out;
  out.reserve(text.size());
  auto is_word = [](unsigned char c) { return c >= 0x80 || absl::ascii_isalnum(c); };
  auto chars = [](absl::string_view part) {
    size_t n = 0;
    for (unsigned char c : part) n += (c & 0xC0) != 0x80;
    return n;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '-' && i > 0 && i + 1 < text.size() && is_word(text[i - 1]) &&
        is_word(text[i + 1])) {
      size_t start = i;
      while (start > 0 && is_word(text[start - 1])) --start;
      size_t end = i + 1;
      while (end < text.size() && is_word(text[end])) ++end;
      if (chars(text.substr(start, i - start)) <= 3 ||
          chars(text.substr(i + 1, end - i - 1)) <= 3) {
        out += "-\u2060";
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

bool LooksNumeric(absl::string_view cell) {
  // Figures are set to the right: amounts, counts, percentages ("1 277,00 €",
  // "42", "12,5 %", "15 (75,0 %)", "3 / 1 / 0", "€1,234.50", "–").
  if (cell == "-" || cell == "\u2013") return true;
  bool digit = false;
  for (size_t i = 0; i < cell.size(); ++i) {
    const unsigned char c = cell[i];
    if (absl::ascii_isdigit(c)) {
      digit = true;
    } else if (
        c == ' ' || c == ',' || c == '.' || c == '%' || c == '-' || c == '+' || c == '(' ||
        c == ')' || c == '/') {
    } else if (
        cell.substr(i, 3) == "\u20ac" || cell.substr(i, 3) == "\u202f" ||
        cell.substr(i, 3) == "\u2212") {  // €, narrow no-break space, minus
      i += 2;
    } else if (cell.substr(i, 2) == "\u00a0") {
      i += 1;
    } else {
      return false;
    }
  }
  return digit;
}

namespace {

Layout MakeLayout(cairo_t* cr, const std::string& any_text, const char* font, double width) {
  const std::string text = KeepShortHyphenatedWordsWhole(any_text);
  Layout layout(pango_cairo_create_layout(cr));
  PangoFontDescription* desc = pango_font_description_from_string(font);
  pango_layout_set_font_description(layout.get(), desc);
  pango_font_description_free(desc);
  pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text(layout.get(), text.c_str(), static_cast<int>(text.size()));
  return layout;
}

double HeightOf(PangoLayout* layout) {
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

// One placed piece of the document: where it goes and what draws it.
struct Piece {
  int page = 0;
  double y = 0;
  std::vector<std::pair<double, Layout>> cells;  // x offset, layout
  double height = 0;
  bool rule_below = false;
  const Chart* chart = nullptr;
};

constexpr double kChartHeight = 230;

// Series colours: dark blue, orange, teal, grey.
constexpr int kSeriesColours[][3] = {
    {40, 90, 160}, {230, 130, 40}, {40, 150, 140}, {130, 130, 130}};

// PLplot keeps global state: one chart at a time in the process.
std::mutex& PlplotMutex() {
  static std::mutex* m = new std::mutex;
  return *m;
}

// Draws a bar chart with PLplot's extcairo device into `cr` at the current
// origin, `width` × `height` points.
void DrawChart(cairo_t* cr, const Chart& chart, double width, double height) {
  std::lock_guard<std::mutex> lock(PlplotMutex());
  const int n = static_cast<int>(chart.categories.size());
  const int series = std::max<int>(1, static_cast<int>(chart.values.size()));
  double top = 0;
  for (const auto& v : chart.values) {
    for (double x : v) top = std::max(top, x);
  }
  // Ticks at 1, 2 or 5 times a power of ten, at most 8 of them.
  double step = 1;
  for (int k = 0; top / step > 8; ++k) step *= k % 3 == 1 ? 2.5 : 2;
  const double upper = std::max(step, std::ceil(top / step) * step);

  plsdev("extcairo");
  plspage(0, 0, static_cast<PLINT>(width), static_cast<PLINT>(height), 0, 0);
  plscolbg(255, 255, 255);
  plscol0(1, 40, 40, 40);
  for (int i = 0; i < 4; ++i) {
    plscol0(2 + i, kSeriesColours[i][0], kSeriesColours[i][1], kSeriesColours[i][2]);
  }
  plinit();
  pl_cmd(PLESC_DEVINIT, cr);
  pladv(0);
  plschr(0, 0.95);
  if (chart.horizontal) {
    plvpor(0.36, 0.97, 0.14, 0.88);
    plwind(0, upper, 0, n);
  } else {
    plvpor(0.09, 0.98, 0.2, 0.88);
    plwind(0, n, 0, upper);
  }
  plcol0(1);
  if (chart.horizontal) {
    plbox("bcnst", step, 0, "bc", 0, 0);
    plmtex("b", 3.0, 0.5, 0.5, chart.value_label.c_str());
  } else {
    plbox("bc", 0, 0, "bcnstv", step, 0);
    plmtex("l", 4.5, 0.5, 0.5, chart.value_label.c_str());
  }
  const double slot = 0.8 / series;
  for (int s = 0; s < series && s < static_cast<int>(chart.values.size()); ++s) {
    plcol0(2 + s % 4);
    for (int i = 0; i < n && i < static_cast<int>(chart.values[s].size()); ++i) {
      const double a = i + 0.1 + s * slot;
      const double b = a + slot * 0.9;
      const double v = chart.values[s][i];
      if (v <= 0) continue;
      // Categories run top-down in a horizontal chart.
      const double ha = n - 1 - i + 0.1 + s * slot;
      const double hb = ha + slot * 0.9;
      PLFLT x[4], y[4];
      if (chart.horizontal) {
        x[0] = 0, x[1] = v, x[2] = v, x[3] = 0;
        y[0] = ha, y[1] = ha, y[2] = hb, y[3] = hb;
      } else {
        x[0] = a, x[1] = a, x[2] = b, x[3] = b;
        y[0] = 0, y[1] = v, y[2] = v, y[3] = 0;
      }
      plfill(4, x, y);
    }
  }
  plcol0(1);
  for (int i = 0; i < n; ++i) {
    const std::string& label = chart.categories[i];
    if (chart.horizontal) {
      plmtex("lv", 0.8, (n - i - 0.5) / n, 1.0, label.c_str());
    } else {
      plmtex("b", 1.3, (i + 0.5) / n, 0.5, label.c_str());
    }
  }
  // The legend above the plot, when there is more than one series.
  if (chart.series.size() > 1) {
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const double pos = 0.02 + 0.3 * s;
      plcol0(2 + s % 4);
      plmtex("t", 1.0, pos, 0.0, "\u25A0");
      plcol0(1);
      plmtex("t", 1.0, pos + 0.03, 0.0, chart.series[s].c_str());
    }
  }
  plend();
}

// Text as Pango, Cairo and PLplot need it: valid UTF-8, each invalid byte
// shown as U+FFFD. Text from the API is valid already; a cut in the middle
// of a character made Cairo refuse the whole document (document_fuzz).
// A NUL (protobuf strings may hold one) would end the text early: dropped.
std::string ValidUtf8(absl::string_view any_text) {
  std::string text(any_text);
  text.erase(std::remove(text.begin(), text.end(), '\0'), text.end());
  if (g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) return text;
  gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
  std::string out(valid);
  g_free(valid);
  return out;
}

Document ValidDocument(const Document& document) {
  Document valid = document;
  for (Block& block : valid.blocks) {
    block.text = ValidUtf8(block.text);
    for (auto& row : block.rows) {
      for (std::string& cell : row) cell = ValidUtf8(cell);
    }
    for (std::string& c : block.chart.categories) c = ValidUtf8(c);
    for (std::string& s : block.chart.series) s = ValidUtf8(s);
    block.chart.value_label = ValidUtf8(block.chart.value_label);
  }
  return valid;
}

}  // namespace

absl::StatusOr<std::string> RenderPdf(
    const Document& any_document, absl::string_view any_title, absl::Time created) {
  const Document document = ValidDocument(any_document);
  const std::string title =
      ValidUtf8(any_title.empty() ? domain::DocumentTitle(any_document) : any_title);
  std::string out;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(AppendToString, &out, kPageWidth, kPageHeight);
  cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
  const std::string date =
      absl::FormatTime("%Y-%m-%dT%H:%M:%S", created, absl::UTCTimeZone()) + "Z";
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Kokemus");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
  cairo_t* cr = cairo_create(surface);

  // Lay everything out first, so that page numbers can say "n / total".
  std::vector<Piece> pieces;
  int page = 0;
  double y = kMargin;
  const double bottom = kPageHeight - kMargin - kFooter;
  // Pieces that stay with what follows them (a heading, a table's header
  // row) from this index to the end of `pieces`.
  size_t keep_from = 0;
  auto place = [&](Piece piece, double space_before, bool keep_with_next) {
    y += space_before;
    if (y + piece.height > bottom && y > kMargin + space_before) {
      ++page;
      y = kMargin;
      // A heading (and a table header after it) never stays alone at the foot
      // of a page: the whole run moves, unless it alone fills a page.
      double run = 0;
      for (size_t i = keep_from; i < pieces.size(); ++i) run += pieces[i].height + 4;
      if (keep_from < pieces.size() && run + piece.height < bottom - kMargin) {
        for (size_t i = keep_from; i < pieces.size(); ++i) {
          pieces[i].page = page;
          pieces[i].y = y;
          y += pieces[i].height + 4;
        }
      }
    }
    piece.page = page;
    piece.y = y;
    y += piece.height;
    pieces.push_back(std::move(piece));
    if (!keep_with_next) keep_from = pieces.size();
  };
  for (const Block& b : document.blocks) {
    switch (b.kind) {
      case Block::Kind::kTitle:
      case Block::Kind::kHeading:
      case Block::Kind::kParagraph: {
        const char* font = b.kind == Block::Kind::kTitle     ? "DejaVu Sans Bold 16"
                           : b.kind == Block::Kind::kHeading ? "DejaVu Sans Bold 11.5"
                                                             : "DejaVu Sans 10";
        Piece piece;
        piece.cells.emplace_back(0, MakeLayout(cr, b.text, font, kContentWidth));
        piece.height = HeightOf(piece.cells.back().second.get());
        const double before = b.kind == Block::Kind::kTitle     ? 0
                              : b.kind == Block::Kind::kHeading ? 14
                                                                : 6;
        place(
            std::move(piece), pieces.empty() ? 0 : before,
            b.kind == Block::Kind::kHeading || b.keep_with_next);
        break;
      }
      case Block::Kind::kChart: {
        if (b.chart.categories.empty()) break;  // nothing to draw
        Piece piece;
        piece.chart = &b.chart;
        piece.height = kChartHeight;
        place(std::move(piece), 8, /*keep_with_next=*/true);  // with its table
        break;
      }
      case Block::Kind::kTable: {
        // A column of figures is set to the right (its header too); a column
        // of words to the left. A header is a first row of words over figures.
        size_t columns = 0;
        for (const auto& row : b.rows) columns = std::max(columns, row.size());
        std::vector<bool> right(columns, true);
        for (size_t c = 1; c < columns; ++c) {
          size_t figures = 0, words = 0;
          for (size_t r = 0; r < b.rows.size(); ++r) {
            if (c >= b.rows[r].size() || b.rows[r][c].empty()) continue;
            if (LooksNumeric(b.rows[r][c])) {
              ++figures;
            } else if (r > 0 || b.rows.size() == 1) {
              ++words;
            }
          }
          right[c] = words == 0 && figures > 0;
        }
        const bool all_figures = std::all_of(
            right.begin() + std::min<size_t>(1, columns), right.end(), [](bool r) { return r; });
        // A short table (a label and its figures) is read as one: it moves
        // to the next page whole rather than leave a row behind.
        const bool whole = b.rows.size() <= kShortTableRows;
        bool first = true;
        for (const auto& row : b.rows) {
          Piece piece;
          const size_t n = std::max<size_t>(row.size(), 1);
          // Label and value: the label gets most beside a figure, less beside
          // words; wider tables share more evenly.
          const double first_width = n == 1   ? kContentWidth
                                     : n == 2 ? kContentWidth * (all_figures ? 0.6 : 0.36)
                                              : kContentWidth * 0.34;
          const double other_width = n == 1 ? 0 : (kContentWidth - first_width) / (n - 1);
          double x = 0;
          for (size_t i = 0; i < row.size(); ++i) {
            const double w = i == 0 ? first_width : other_width;
            const bool last_row = b.total_row && &row == &b.rows.back();
            piece.cells.emplace_back(
                x,
                MakeLayout(cr, row[i], last_row ? "DejaVu Sans Bold 10" : "DejaVu Sans 10", w - 8));
            if (i > 0 && i < right.size() && right[i])
              pango_layout_set_alignment(piece.cells.back().second.get(), PANGO_ALIGN_RIGHT);
            piece.height = std::max(piece.height, HeightOf(piece.cells.back().second.get()) + 6);
            x += w;
          }
          piece.rule_below = true;
          // A table's first row (its header) stays with the next, like a
          // heading; a short table's every row but its last.
          const bool last = &row == &b.rows.back();
          place(std::move(piece), first ? 8 : 0, !last && (first || whole));
          first = false;
        }
        break;
      }
    }
  }
  const int pages = page + 1;

  for (int p = 0; p < pages; ++p) {
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    for (Piece& piece : pieces) {
      if (piece.page != p) continue;
      for (auto& [x, layout] : piece.cells) {
        cairo_move_to(cr, kMargin + x, piece.y + 3);
        pango_cairo_show_layout(cr, layout.get());
      }
      if (piece.chart != nullptr) {
        cairo_save(cr);
        cairo_translate(cr, kMargin, piece.y);
        DrawChart(cr, *piece.chart, kContentWidth, piece.height);
        cairo_restore(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
      }
      if (piece.rule_below) {
        cairo_set_line_width(cr, 0.5);
        cairo_move_to(cr, kMargin, piece.y + piece.height);
        cairo_line_to(cr, kMargin + kContentWidth, piece.y + piece.height);
        cairo_stroke(cr);
      }
    }
    const std::string number = absl::StrCat(p + 1, " / ", pages);
    Layout footer = MakeLayout(
        cr, document.footer.empty() ? number : absl::StrCat(document.footer, "  \u00b7  ", number),
        "DejaVu Sans 8.5", kContentWidth);
    pango_layout_set_alignment(footer.get(), PANGO_ALIGN_CENTER);
    cairo_move_to(cr, kMargin, kPageHeight - kMargin);
    pango_cairo_show_layout(cr, footer.get());
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(
        absl::StrCat("PDF rendering failed: ", cairo_status_to_string(status)));
  }
  return out;
}

}  // namespace kokemus::render

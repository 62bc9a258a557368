#include "services/domain/documents.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "kainjow/mustache.hpp"
#include "services/domain/orders.h"
#include "services/domain/validation.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

constexpr char kNbsp[] = "\u00a0";

std::string Grouped(int64_t whole, absl::string_view separator) {
  std::string digits = absl::StrCat(whole);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.append(separator.data(), separator.size());
    out.push_back(digits[i]);
  }
  return out;
}

constexpr const char* kEnglishMonths[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

size_t Utf8Width(absl::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xc0) != 0x80; });
}

}  // namespace

bool IsDocumentLanguage(absl::string_view language) {
  return language == "fi" || language == "sv" || language == "en";
}

std::string FormatMoney(int64_t cents, absl::string_view language) {
  const bool negative = cents < 0;
  const int64_t abs_cents = negative ? -cents : cents;
  const int64_t whole = abs_cents / 100;
  const int64_t fraction = abs_cents % 100;
  const std::string two = absl::StrCat(fraction < 10 ? "0" : "", fraction);
  if (language == "en") {
    return absl::StrCat(negative ? "-" : "", "€", Grouped(whole, ","), ".", two);
  }
  return absl::StrCat(negative ? "-" : "", Grouped(whole, kNbsp), ",", two, kNbsp, "€");
}

std::string FormatDate(absl::Time t, absl::string_view language) {
  const absl::CivilMinute c = absl::ToCivilMinute(t, reference::HelsinkiTimeZone());
  if (language == "en") {
    return absl::StrCat(c.day(), " ", kEnglishMonths[c.month() - 1], " ", c.year());
  }
  return absl::StrCat(c.day(), ".", c.month(), ".", c.year());
}

std::string FormatDateTime(absl::Time t, absl::string_view language) {
  const absl::CivilMinute c = absl::ToCivilMinute(t, reference::HelsinkiTimeZone());
  const std::string minutes = absl::StrCat(c.minute() < 10 ? "0" : "", c.minute());
  if (language == "en") {
    return absl::StrCat(FormatDate(t, language), " at ", c.hour(), ":", minutes);
  }
  return absl::StrCat(
      FormatDate(t, language), language == "sv" ? " kl. " : " klo ", c.hour(), ".", minutes);
}

Document ParseDocument(absl::string_view text) {
  Document doc;
  std::vector<std::string> paragraph;
  bool table_ended = false;
  auto flush = [&] {
    if (!paragraph.empty()) {
      doc.blocks.push_back({Block::Kind::kParagraph, absl::StrJoin(paragraph, " "), {}, {}});
      paragraph.clear();
    }
  };
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty()) {
      flush();
      table_ended = true;  // a blank line ends a table too
    } else if (absl::ConsumePrefix(&line, "## ")) {
      flush();
      doc.blocks.push_back({Block::Kind::kHeading, std::string(line), {}, {}});
    } else if (absl::ConsumePrefix(&line, "# ")) {
      flush();
      doc.blocks.push_back({Block::Kind::kTitle, std::string(line), {}, {}});
    } else if (line.front() == '|') {
      flush();
      std::vector<std::string> cells;
      absl::string_view body = line.substr(1);
      absl::ConsumeSuffix(&body, "|");
      for (absl::string_view cell : absl::StrSplit(body, '|')) {
        cells.emplace_back(absl::StripAsciiWhitespace(cell));
      }
      if (doc.blocks.empty() || doc.blocks.back().kind != Block::Kind::kTable || table_ended) {
        doc.blocks.push_back({Block::Kind::kTable, "", {}, {}, false});
      }
      table_ended = false;
      // A total is marked as such (| **Yhteensä** | 1 277,00 € |); a table's
      // last row is not a total by being last.
      // (A view of the cell itself: `? "" :` would make a temporary string.)
      absl::string_view first = cells.empty() ? absl::string_view() : cells.front();
      const bool total = first.size() > 4 && absl::ConsumePrefix(&first, "**") &&
                         absl::ConsumeSuffix(&first, "**");
      if (total) cells.front() = std::string(first);
      doc.blocks.back().total_row = total;
      doc.blocks.back().rows.push_back(std::move(cells));
    } else {
      paragraph.emplace_back(line);
    }
  }
  flush();
  return doc;
}

std::string DocumentTitle(const Document& document) {
  for (const Block& b : document.blocks) {
    if (b.kind == Block::Kind::kTitle) return b.text;
  }
  return "";
}

std::string PlainText(const Document& doc) {
  std::string out;
  for (const Block& b : doc.blocks) {
    if (!out.empty()) out += "\n";
    switch (b.kind) {
      case Block::Kind::kTitle:
        absl::StrAppend(&out, b.text, "\n", std::string(Utf8Width(b.text), '='), "\n");
        break;
      case Block::Kind::kHeading:
        absl::StrAppend(&out, b.text, "\n", std::string(Utf8Width(b.text), '-'), "\n");
        break;
      case Block::Kind::kParagraph:
        absl::StrAppend(&out, b.text, "\n");
        break;
      case Block::Kind::kTable: {
        std::vector<size_t> widths;
        for (const auto& row : b.rows) {
          widths.resize(std::max(widths.size(), row.size()), 0);
          for (size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], Utf8Width(row[i]));
          }
        }
        for (const auto& row : b.rows) {
          std::string line;
          for (size_t i = 0; i < row.size(); ++i) {
            absl::StrAppend(&line, row[i]);
            if (i + 1 < row.size()) line.append(widths[i] - Utf8Width(row[i]) + 3, ' ');
          }
          absl::StrAppend(&out, line, "\n");
        }
        break;
      }
      case Block::Kind::kChart:
        // The chart's numbers are in the document's tables.
        break;
    }
  }
  return out;
}

absl::Status CheckTemplate(absl::string_view text, absl::string_view field) {
  kainjow::mustache::mustache tmpl{std::string(text)};
  if (tmpl.is_valid()) return absl::OkStatus();
  // The library reports "... at N", N a byte offset: turn it into a line.
  std::string reason = tmpl.error_message();
  size_t line = 0;
  const size_t at = reason.rfind(" at ");
  int offset = 0;
  if (at != std::string::npos && absl::SimpleAtoi(reason.substr(at + 4), &offset)) {
    line = 1 + std::count(text.begin(), text.begin() + std::min<size_t>(offset, text.size()), '\n');
    reason = reason.substr(0, at);
  }
  return InvalidField(
      std::string(field), line > 0 ? absl::StrCat("template error on line ", line, ": ", reason)
                                   : absl::StrCat("template error: ", reason));
}

absl::StatusOr<std::string> RenderTemplate(absl::string_view text, const TemplateData& data) {
  if (absl::Status s = CheckTemplate(text, "template"); !s.ok()) return s;
  kainjow::mustache::mustache tmpl{std::string(text)};
  // The output is text, not HTML: {{x}} must not turn "&" into "&amp;".
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) {
    return absl::InvalidArgumentError(absl::StrCat("template error: ", tmpl.error_message()));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> TemplateNames(
    absl::string_view text, absl::string_view field) {
  if (absl::Status s = CheckTemplate(text, field); !s.ok()) return s;
  std::vector<std::string> names;
  size_t at = 0;
  while ((at = text.find("{{", at)) != absl::string_view::npos) {
    const bool triple = text.substr(at, 3) == "{{{";
    const size_t open = at + (triple ? 3 : 2);
    const size_t close = text.find(triple ? "}}}" : "}}", open);
    if (close == absl::string_view::npos) break;  // CheckTemplate refused it
    absl::string_view tag = absl::StripAsciiWhitespace(text.substr(open, close - open));
    at = close + (triple ? 3 : 2);
    if (tag.empty()) continue;
    const char sigil = tag.front();
    if (sigil == '!') continue;  // a comment
    if (sigil == '>' || sigil == '=') {
      return InvalidField(
          std::string(field), absl::StrCat(
                                  sigil == '>' ? "partials" : "changing delimiters", " ({{", tag,
                                  "}}) can't be used in a template"));
    }
    if (!triple && (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '&')) {
      tag = absl::StripAsciiWhitespace(tag.substr(1));
    }
    if (std::find(names.begin(), names.end(), tag) == names.end()) names.emplace_back(tag);
  }
  return names;
}

absl::Status CheckTemplateNames(
    absl::string_view text, absl::string_view field, const std::vector<std::string>& allowed,
    const std::vector<std::string>& required) {
  auto names = TemplateNames(text, field);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return InvalidField(
          std::string(field), absl::StrCat(
                                  "{{", name, "}} is not a variable of this template; it may use ",
                                  absl::StrJoin(allowed, ", ")));
    }
  }
  for (const std::string& name : required) {
    if (std::find(names->begin(), names->end(), name) == names->end()) {
      return InvalidField(std::string(field), absl::StrCat("must use {{", name, "}}"));
    }
  }
  return absl::OkStatus();
}

}  // namespace kokemus::domain

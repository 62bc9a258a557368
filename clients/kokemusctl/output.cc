#include "clients/kokemusctl/output.h"

#include <algorithm>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "kokemus/v1/expert.pb.h"
#include "services/reference/calendar.h"
#include "services/reference/reference_data.h"

namespace kokemus::cli {

namespace pb = google::protobuf;

namespace {

// Times show in Helsinki time, with the offset: 2026-12-10T10:00:00+02:00.
std::string FormatTimestamp(const pb::Message& msg) {
  const absl::TimeZone& helsinki = reference::HelsinkiTimeZone();
  const auto& ts = static_cast<const pb::Timestamp&>(msg);
  return absl::FormatTime(
      absl::RFC3339_sec, absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos()),
      helsinki);
}

std::string FormatMessage(const pb::Message& msg);

std::string FormatElement(const pb::Message& msg, const pb::FieldDescriptor* f, int i) {
  const pb::Reflection* r = msg.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(msg, f, i) : r->GetString(msg, f);
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(msg, f, i) : r->GetInt32(msg, f));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(msg, f, i) : r->GetInt64(msg, f));
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(msg, f) ? "true" : "false";
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrFormat("%.2f", rep ? r->GetRepeatedDouble(msg, f, i) : r->GetDouble(msg, f));
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* v = rep ? r->GetRepeatedEnum(msg, f, i) : r->GetEnum(msg, f);
      absl::string_view prefix = f->enum_type()->value(0)->name();
      absl::ConsumeSuffix(&prefix, "UNSPECIFIED");
      absl::string_view name = v->name();
      absl::ConsumePrefix(&name, prefix);
      return std::string(name);
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      if (!rep && !r->HasField(msg, f)) return "";  // unset (a key not revoked): blank
      return FormatMessage(rep ? r->GetRepeatedMessage(msg, f, i) : r->GetMessage(msg, f));
    default:
      return "";
  }
}

std::string FormatMessage(const pb::Message& msg) {
  if (msg.GetDescriptor()->full_name() == "google.protobuf.Timestamp") {
    return FormatTimestamp(msg);
  }
  if (msg.GetDescriptor()->full_name() == "kokemus.v1.ScoreParts") {
    // Every part, named, zeros included: the coordinator reads why.
    std::vector<std::string> parts;
    for (int i = 0; i < msg.GetDescriptor()->field_count(); ++i) {
      const pb::FieldDescriptor* f = msg.GetDescriptor()->field(i);
      parts.push_back(absl::StrCat(f->name(), "=", FormatElement(msg, f, 0)));
    }
    return absl::StrJoin(parts, " ");
  }
  std::vector<const pb::FieldDescriptor*> fields;
  msg.GetReflection()->ListFields(msg, &fields);
  std::vector<std::string> parts;
  for (const auto* f : fields) parts.push_back(FormatField(msg, f));
  return absl::StrJoin(parts, " ");
}

size_t DisplayWidth(absl::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xc0) != 0x80; });
}

}  // namespace

std::string FormatField(const pb::Message& msg, const pb::FieldDescriptor* f) {
  if (!f->is_repeated()) return FormatElement(msg, f, 0);
  std::vector<std::string> parts;
  for (int i = 0; i < msg.GetReflection()->FieldSize(msg, f); ++i) {
    parts.push_back(FormatElement(msg, f, i));
  }
  return absl::StrJoin(parts, f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE ? "; " : ",");
}

std::string ShortName(const std::string& name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() < 2 || parts[0] != "exchanges") return name;
  if (parts.size() == 2) return std::string(parts[1]);
  // After the exchange: collection/id pairs; the ids, joined as the CLI takes them.
  std::vector<absl::string_view> ids;
  for (size_t i = 2; i < parts.size(); i += 2) {
    ids.push_back(i + 1 < parts.size() ? parts[i + 1] : parts[i]);
  }
  return absl::StrJoin(ids, "/");
}

namespace {

// "1 234,50" with thousands = " ".
std::string Decimal(int64_t cents, absl::string_view thousands) {
  const bool negative = cents < 0;
  const int64_t abs = negative ? -cents : cents;
  std::string whole = absl::StrCat(abs / 100);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) {
    whole.insert(i, std::string(thousands));
  }
  return absl::StrCat(negative ? "-" : "", whole, ",", absl::Dec(abs % 100, absl::kZeroPad2));
}

}  // namespace

std::string Euros(int64_t cents) { return absl::StrCat(Decimal(cents, " "), " €"); }

const char* WeekdayShort(absl::Weekday day) {
  static constexpr const char* kWeekdays[] = {"ma", "ti", "ke", "to", "pe", "la", "su"};
  return kWeekdays[static_cast<int>(day)];
}

namespace {

// A field's label beside its value: "amount_cents" shows as "amount" (the
// value shows in euros).
std::string Label(absl::string_view field_name) {
  absl::ConsumeSuffix(&field_name, "_cents");
  return std::string(field_name);
}
std::string Label(const pb::FieldDescriptor* f) { return Label(f->name()); }

// "8", "9.30": a clock time in minutes after midnight, as Finns write it.
std::string Clock(int minutes) {
  if (minutes % 60 == 0) return absl::StrCat(minutes / 60);
  return absl::StrFormat("%d.%02d", minutes / 60, minutes % 60);
}

// "ma 8–16".
std::string WeeklyWindowText(const v1::WeeklyWindow& w) {
  if (w.day() < v1::WEEKDAY_MONDAY || w.day() > v1::WEEKDAY_SUNDAY) return "";
  return absl::StrCat(
      WeekdayShort(static_cast<absl::Weekday>(w.day() - v1::WEEKDAY_MONDAY)), " ",
      Clock(w.start_minute()), "–", Clock(w.end_minute()));
}

// A nested message in one cell: its set fields as "name value", comma-separated.
std::string Labelled(const pb::Message& msg) {
  std::vector<const pb::FieldDescriptor*> fields;
  msg.GetReflection()->ListFields(msg, &fields);
  std::vector<std::string> parts;
  for (const auto* f : fields) parts.push_back(absl::StrCat(Label(f), " ", HumanField(msg, f)));
  return absl::StrJoin(parts, " ");
}

}  // namespace

std::string HelsinkiShort(const pb::Message& msg) {
  const auto& ts = static_cast<const pb::Timestamp&>(msg);
  const absl::CivilMinute c = absl::ToCivilMinute(
      absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos()),
      reference::HelsinkiTimeZone());
  return absl::StrFormat("%d.%d.%d %d.%02d", c.day(), c.month(), c.year(), c.hour(), c.minute());
}

std::string Cut(const std::string& text, size_t chars) {
  if (DisplayWidth(text) <= chars) return text;
  size_t seen = 0, at = 0;
  for (; at < text.size(); ++at) {
    if ((text[at] & 0xc0) != 0x80 && seen++ == chars - 1) break;
  }
  return text.substr(0, at) + "…";
}

std::string HumanField(const pb::Message& msg, const pb::FieldDescriptor* f) {
  const pb::Reflection* r = msg.GetReflection();
  const int n = f->is_repeated() ? r->FieldSize(msg, f) : 1;
  std::vector<std::string> parts;
  for (int i = 0; i < n; ++i) {
    const bool rep = f->is_repeated();
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_STRING: {
        std::string v = rep ? r->GetRepeatedString(msg, f, i) : r->GetString(msg, f);
        if (absl::StrContains(f->name(), "municipalit")) {
          if (const auto* m = reference::ReferenceData::Get().FindMunicipality(v)) v = m->name_fi;
        } else if (absl::StartsWith(v, "exchanges/")) {
          v = ShortName(v);
        }
        parts.push_back(std::move(v));
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_INT64:
      case pb::FieldDescriptor::CPPTYPE_INT32:
        if (absl::EndsWith(f->name(), "_cents")) {
          const int64_t cents = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT64
                                    ? (rep ? r->GetRepeatedInt64(msg, f, i) : r->GetInt64(msg, f))
                                    : (rep ? r->GetRepeatedInt32(msg, f, i) : r->GetInt32(msg, f));
          parts.push_back(Euros(cents));
        } else {
          parts.push_back(FormatElement(msg, f, i));
        }
        break;
      case pb::FieldDescriptor::CPPTYPE_ENUM:
        parts.push_back(absl::AsciiStrToLower(FormatElement(msg, f, i)));
        break;
      case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
        if (!rep && !r->HasField(msg, f)) return "";
        const pb::Message& m = rep ? r->GetRepeatedMessage(msg, f, i) : r->GetMessage(msg, f);
        if (m.GetDescriptor()->full_name() == "google.protobuf.Timestamp") {
          parts.push_back(HelsinkiShort(m));
        } else if (m.GetDescriptor()->full_name() == "kokemus.v1.ScoreParts") {
          parts.push_back(FormatMessage(m));  // every part, zeros included
        } else if (m.GetDescriptor() == v1::WeeklyWindow::descriptor()) {
          parts.push_back(WeeklyWindowText(static_cast<const v1::WeeklyWindow&>(m)));
        } else {
          parts.push_back(Labelled(m));
        }
        break;
      }
      default:
        parts.push_back(FormatElement(msg, f, i));
    }
  }
  return absl::StrJoin(parts, ", ");
}

void PrintCells(const std::vector<std::vector<std::string>>& cells, std::ostream& out) {
  std::vector<size_t> widths;
  for (const auto& line : cells) {
    if (widths.size() < line.size()) widths.resize(line.size(), 0);
    for (size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(line[i]));
  }
  for (const auto& line : cells) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      absl::StrAppend(&text, line[i]);
      if (i + 1 < line.size()) text.append(widths[i] - DisplayWidth(line[i]) + 2, ' ');
    }
    out << absl::StripTrailingAsciiWhitespace(text) << "\n";  // an empty last cell
  }
}

void PrintTable(
    const std::vector<const pb::Message*>& rows, const std::vector<std::string>& columns,
    std::ostream& out) {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header;
  for (const auto& c : columns) header.push_back(absl::AsciiStrToUpper(Label(c)));
  cells.push_back(header);
  for (const pb::Message* row : rows) {
    std::vector<std::string> line;
    for (const auto& c : columns) {
      line.push_back(HumanField(*row, row->GetDescriptor()->FindFieldByName(c)));
    }
    cells.push_back(std::move(line));
  }
  PrintCells(cells, out);
}

namespace {

bool IsTimestamp(const pb::Descriptor* d) { return d->full_name() == "google.protobuf.Timestamp"; }

// Each element of a repeated message field as a row, under the columns that
// are set in any of them.
std::vector<std::vector<std::string>> SubTable(
    const pb::Message& msg, const pb::FieldDescriptor* f) {
  const pb::Reflection* r = msg.GetReflection();
  const pb::Descriptor* d = f->message_type();
  std::vector<const pb::FieldDescriptor*> used;
  for (int c = 0; c < d->field_count(); ++c) {
    for (int i = 0; i < r->FieldSize(msg, f); ++i) {
      const pb::Message& e = r->GetRepeatedMessage(msg, f, i);
      const pb::FieldDescriptor* field = d->field(c);
      if (field->is_repeated() ? e.GetReflection()->FieldSize(e, field) > 0
                               : e.GetReflection()->HasField(e, field)) {
        used.push_back(field);
        break;
      }
    }
  }
  std::vector<std::vector<std::string>> cells(1);
  for (const auto* field : used) cells[0].push_back(absl::AsciiStrToUpper(Label(field)));
  for (int i = 0; i < r->FieldSize(msg, f); ++i) {
    const pb::Message& e = r->GetRepeatedMessage(msg, f, i);
    std::vector<std::string> line;
    for (const auto* field : used) {
      const bool set = field->is_repeated() ? e.GetReflection()->FieldSize(e, field) > 0
                                            : e.GetReflection()->HasField(e, field);
      line.push_back(set ? HumanField(e, field) : "");
    }
    cells.push_back(std::move(line));
  }
  return cells;
}

void PrintResourceAt(const pb::Message& msg, const std::string& indent, std::ostream& out) {
  std::vector<const pb::FieldDescriptor*> fields;
  msg.GetReflection()->ListFields(msg, &fields);
  size_t width = 0;
  for (const auto* f : fields) width = std::max(width, Label(f).size());
  for (const auto* f : fields) {
    const std::string label = Label(f);
    const bool nested = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
                        !IsTimestamp(f->message_type()) &&
                        f->message_type()->full_name() != "kokemus.v1.WeeklyWindow";
    if (nested && !f->is_repeated()) {
      out << indent << label << ":\n";
      PrintResourceAt(msg.GetReflection()->GetMessage(msg, f), indent + "  ", out);
      continue;
    }
    if (nested) {
      out << indent << label << ":\n";
      std::ostringstream table;
      PrintCells(SubTable(msg, f), table);
      for (absl::string_view line : absl::StrSplit(table.str(), '\n', absl::SkipEmpty())) {
        out << indent << "  " << line << "\n";
      }
      continue;
    }
    // The resource's own name in full (it is what other commands print);
    // everything else as a table cell shows it.
    const std::string value = f->name() == "name" ? FormatField(msg, f) : HumanField(msg, f);
    out << indent << label << ":" << std::string(width - label.size() + 1, ' ') << value << "\n";
  }
}

}  // namespace

void PrintResource(const pb::Message& msg, std::ostream& out) { PrintResourceAt(msg, "", out); }

void PrintJson(const pb::Message& msg, std::ostream& out) {
  std::string json;
  pb::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)pb::util::MessageToJsonString(msg, &json, options);
  out << json;
  if (json.empty() || json.back() != '\n') out << "\n";
}

namespace {

// The records of an RFC 4180 text: quoted fields may hold commas, quotes
// ("") and line ends.
std::vector<std::vector<std::string>> CsvRecords(const std::string& csv) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool any = false;
  for (size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
      }
      record.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

// "1234,50": Excel reads a decimal comma as a number; no grouping, no unit.
std::string ExcelEuros(const std::string& cents_text) {
  int64_t cents = 0;
  if (!absl::SimpleAtoi(cents_text, &cents)) return cents_text;
  return Decimal(cents, "");
}

std::string ExcelTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return text;
  const absl::CivilMinute m = absl::ToCivilMinute(t, reference::HelsinkiTimeZone());
  return absl::StrCat(
      m.day(), ".", m.month(), ".", m.year(), " ", m.hour(), ":",
      absl::Dec(m.minute(), absl::kZeroPad2));
}

std::string ExcelField(const std::string& field) {
  if (field.find_first_of(";\"\r\n") == std::string::npos) return field;
  return absl::StrCat("\"", absl::StrReplaceAll(field, {{"\"", "\"\""}}), "\"");
}

}  // namespace

std::string ExcelCsv(const std::string& csv) {
  std::vector<std::vector<std::string>> records = CsvRecords(csv);
  std::string out = "\xEF\xBB\xBF";
  if (records.empty()) return out;
  std::vector<bool> money(records[0].size()), time(records[0].size());
  for (size_t c = 0; c < records[0].size(); ++c) {
    std::string& name = records[0][c];
    money[c] = absl::EndsWith(name, "_cents");
    if (money[c]) name = absl::StrCat(name.substr(0, name.size() - 6), "_eur");
    time[c] = absl::EndsWith(name, "_time");
  }
  for (size_t r = 0; r < records.size(); ++r) {
    std::vector<std::string> cells;
    for (size_t c = 0; c < records[r].size(); ++c) {
      std::string cell = records[r][c];
      if (r > 0 && c < money.size() && money[c]) cell = ExcelEuros(cell);
      if (r > 0 && c < time.size() && time[c]) cell = ExcelTime(cell);
      cells.push_back(ExcelField(cell));
    }
    absl::StrAppend(&out, absl::StrJoin(cells, ";"), "\r\n");
  }
  return out;
}

void PrintCsv(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string& v = row[i];
      if (i > 0) out << ",";
      if (v.find_first_of(",\"\n\r") == std::string::npos) {
        out << v;
        continue;
      }
      out << '"';
      for (char c : v) out << (c == '"' ? "\"\"" : std::string(1, c));
      out << '"';
    }
    out << "\n";
  }
}

}  // namespace kokemus::cli

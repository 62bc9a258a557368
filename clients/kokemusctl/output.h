// What a command prints: a resource as NAME: VALUE lines, a list as an
// aligned table, or any response as JSON (--output json). Times show in
// Helsinki time with the offset; enums by their short names.
#ifndef KOKEMUS_CLIENTS_KOKEMUSCTL_OUTPUT_H_
#define KOKEMUS_CLIENTS_KOKEMUSCTL_OUTPUT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace kokemus::cli {

// One field as text: a list comma-separated (messages with "; ").
std::string FormatField(
    const google::protobuf::Message& msg, const google::protobuf::FieldDescriptor* f);

// Rows of text under a header row, each column as wide as its widest cell.
void PrintCells(const std::vector<std::vector<std::string>>& cells, std::ostream& out);
// The same rows as CSV (RFC 4180 quoting), for a spreadsheet.
void PrintCsv(const std::vector<std::vector<std::string>>& rows, std::ostream& out);

// A table cell for a person (issue 17): a resource name as the id the CLI
// takes ("exchanges/ph/orders/o1/assignments/a1" -> "o1/a1"), municipality
// codes as names, cents as euros ("1 234,50 €"), times as Helsinki
// "2.12.2026 10.00", enums by the short name one types, lists with ", ".
// --output json keeps the API's own values.
std::string HumanField(
    const google::protobuf::Message& msg, const google::protobuf::FieldDescriptor* f);
std::string ShortName(const std::string& name);
std::string Euros(int64_t cents);
// "ma", "ti", … "su".
const char* WeekdayShort(absl::Weekday day);
std::string HelsinkiShort(const google::protobuf::Message& timestamp);
// At most `chars` characters, the last one "…" when cut.
std::string Cut(const std::string& text, size_t chars);

// The messages' named fields, one row each, under upper-case column names,
// as HumanField shows them.
void PrintTable(
    const std::vector<const google::protobuf::Message*>& rows,
    const std::vector<std::string>& columns, std::ostream& out);

// The fields that are set, as "name: value" lines with values as HumanField
// shows them (the resource's own name in full); a nested message as an
// indented block, a list of messages as an indented table, weekly
// availability as "ma 8–16".
void PrintResource(const google::protobuf::Message& msg, std::ostream& out);

void PrintJson(const google::protobuf::Message& msg, std::ostream& out);

// A CSV export (RFC 4180, comma-separated, as the server streams it) as
// Finnish Excel opens it: a UTF-8 byte order mark, semicolons, columns in
// cents as euros with a decimal comma ("fee_cents" 15000 -> "fee_eur"
// 150,00) and times as Helsinki "24.12.2026 9:00". Lines end in CRLF.
std::string ExcelCsv(const std::string& csv);

}  // namespace kokemus::cli

#endif  // KOKEMUS_CLIENTS_KOKEMUSCTL_OUTPUT_H_

// What a command prints: a resource as NAME: VALUE lines, a list as an
// aligned table, or any response as JSON (--output json). Times show in
// Helsinki time with the offset; enums by their short names.
#ifndef KOKEMUS_CLIENTS_KOKEMUSCTL_OUTPUT_H_
#define KOKEMUS_CLIENTS_KOKEMUSCTL_OUTPUT_H_

#include <ostream>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace kokemus::cli {

// One field as text: a list comma-separated (messages with "; ").
std::string FormatField(
    const google::protobuf::Message& msg, const google::protobuf::FieldDescriptor* f);

// Rows of text under a header row, each column as wide as its widest cell.
void PrintCells(const std::vector<std::vector<std::string>>& cells, std::ostream& out);

// The messages' named fields, one row each, under upper-case column names.
void PrintTable(
    const std::vector<const google::protobuf::Message*>& rows,
    const std::vector<std::string>& columns, std::ostream& out);

// The fields that are set, as "name: value" lines.
void PrintResource(const google::protobuf::Message& msg, std::ostream& out);

void PrintJson(const google::protobuf::Message& msg, std::ostream& out);

// A CSV export (RFC 4180, comma-separated, as the server streams it) as
// Finnish Excel opens it: a UTF-8 byte order mark, semicolons, columns in
// cents as euros with a decimal comma ("fee_cents" 15000 -> "fee_eur"
// 150,00) and times as Helsinki "24.12.2026 9:00". Lines end in CRLF.
std::string ExcelCsv(const std::string& csv);

}  // namespace kokemus::cli

#endif  // KOKEMUS_CLIENTS_KOKEMUSCTL_OUTPUT_H_

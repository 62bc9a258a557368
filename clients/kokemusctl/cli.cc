#include "clients/kokemusctl/cli.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <tuple>

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
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "kokemus/v1/access_service.grpc.pb.h"
#include "kokemus/v1/contract_service.grpc.pb.h"
#include "kokemus/v1/matching_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "kokemus/v1/report_service.grpc.pb.h"
#include "services/domain/fees.h"
#include "services/reference/calendar.h"
#include "services/reference/reference_data.h"

namespace kokemus::cli {
namespace {

namespace pb = google::protobuf;

constexpr int kExitUsage = 2;

struct UsageError {
  std::string message;
};

// Parsed command line.
struct Command {
  std::string server = "localhost:50051";
  std::string output = "table";
  absl::Duration timeout = absl::Seconds(30);
  std::string noun;
  std::string verb;
  std::string id;  // positional: an id or a full resource name
  std::string exchange;
  std::string filter;
  int page_size = 0;
  bool all_pages = false;
  std::string etag;
  std::string request_id;
  std::string output_file;  // -o: where a document goes
  std::string api_key;      // sent as "authorization: Bearer KEY"
  bool plaintext = false;   // no TLS (local development)
  std::string tls_ca;       // PEM roots that sign the server's certificate; "": the system's
  std::string tls_cert;     // PEM client certificate and key, for mutual TLS
  std::string tls_key;
  std::vector<std::pair<std::string, std::string>> fields;  // in given order
};

constexpr absl::string_view kUsage =
    "usage: kokemusctl [--server HOST:PORT] [--output table|json] [--timeout 30s]\n"
    "                  [--api-key KEY] [--plaintext | --tls-ca F [--tls-cert F --tls-key F]]\n"
    "                  NOUN VERB [ID] [--FIELD VALUE]...\n"
    "  exchange      create|get|list|update ID\n"
    "  expert        create|get|list|update|delete ID            --exchange EX\n"
    "  organization  create|get|list|update|delete ID            --exchange EX\n"
    "  order         create|get|list|update|cancel ID            --exchange EX\n"
    "  assignment    offer ORDER --expert E --offer-deadline T   --exchange EX\n"
    "                accept|decline|confirm|complete|cancel|get ORDER/ASSIGNMENT\n"
    "                list [ORDER]\n"
    "  feedback      submit ORDER/ASSIGNMENT --source orderer|expert ...\n"
    "  fees          show|set [--role-rules R] [--travel-rates T] [--cancellation-rules C]\n"
    "  contract      generate ORDER/ASSIGNMENT [--language fi] [-o contract.pdf]\n"
    "                get|accept|document CONTRACT; list          --exchange EX\n"
    "  template      list; get|activate fi-1; upload --language fi --file F\n"
    "  exchange      privacy-notice ID [--language fi] [--format pdf|text] [-o F]\n"
    "                apply-retention ID|-   (erase what the retention rule says is due)\n"
    "  match         rank ORDER [--max-candidates N] [--omit-excluded true]\n"
    "                plan --from DAY|TIME --to DAY|TIME [--offer-deadline TIME]\n"
    "                settings [--experience|--role|--travel|--fairness|--preferred|\n"
    "                          --feedback W] [--rest-after-heavy-hours H]\n"
    "  report        stats --from DAY --to DAY [--group-by category,role,...]\n"
    "                feedback --from DAY --to DAY [--group-by role|month|year]\n"
    "                export|payroll --from DAY --to DAY -o FILE.csv  (--exchange - : all)\n"
    "                annual --year 2026 [--language fi|sv|en] -o report.pdf\n"
    "  expert        export ID [-o F.json]; erase ID              --exchange EX\n"
    "  key           create --role R --display-name N [--expires-in 90d] [--organization O]\n"
    "                       [--expert E]  (--exchange - : a national key); list; revoke ID;\n"
    "                whoami\n"
    "  audit         list [--resource NAME] [--key ID] [--from T] [--to T] [--limit N];\n"
    "                verify                                      (--exchange - : national)\n"
    "  health        check [SERVICE]\n"
    "  KOKEMUS_SERVER, KOKEMUS_EXCHANGE and KOKEMUS_API_KEY set --server, --exchange and\n"
    "  --api-key; KOKEMUS_PLAINTEXT=true sets --plaintext, KOKEMUS_TLS_CA sets --tls-ca.\n"
    "  list: [--filter EXPR] [--page-size N] [--all]; update/delete/transitions: [--etag E]\n"
    "  create/offer: [--request-id UUID]; fields are the API's names with '-' for '_'\n";

Command Parse(const std::vector<std::string>& args) {
  Command c;
  if (const char* env = std::getenv("KOKEMUS_SERVER"); env && *env) c.server = env;
  if (const char* env = std::getenv("KOKEMUS_EXCHANGE"); env && *env) c.exchange = env;
  if (const char* env = std::getenv("KOKEMUS_API_KEY"); env && *env) c.api_key = env;
  if (const char* env = std::getenv("KOKEMUS_TLS_CA"); env && *env) c.tls_ca = env;
  if (const char* env = std::getenv("KOKEMUS_PLAINTEXT"); env && *env) {
    c.plaintext = absl::string_view(env) == "true" || absl::string_view(env) == "1";
  }
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") throw UsageError{""};
    if (arg == "--all") {
      c.all_pages = true;
      continue;
    }
    if (arg == "--plaintext") {
      c.plaintext = true;
      continue;
    }
    if (arg == "-o") {
      if (i + 1 >= args.size()) throw UsageError{"-o needs a file name"};
      c.output_file = args[++i];
      continue;
    }
    if (!absl::ConsumePrefix(&arg, "--")) {
      positional.emplace_back(arg);
      continue;
    }
    std::string name;
    std::string value;
    if (const size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else {
      name = std::string(arg);
      if (i + 1 >= args.size()) throw UsageError{absl::StrCat("--", name, " needs a value")};
      value = args[++i];
    }
    absl::StrReplaceAll({{"_", "-"}}, &name);
    if (name == "server") {
      c.server = value;
    } else if (name == "output") {
      if (value != "table" && value != "json") {
        throw UsageError{"--output must be table or json"};
      }
      c.output = value;
    } else if (name == "timeout") {
      if (!absl::ParseDuration(value, &c.timeout) || c.timeout <= absl::ZeroDuration()) {
        throw UsageError{"--timeout must be a duration such as 30s"};
      }
    } else if (name == "exchange") {
      c.exchange = value;
    } else if (name == "filter") {
      c.filter = value;
    } else if (name == "page-size") {
      if (!absl::SimpleAtoi(value, &c.page_size)) throw UsageError{"--page-size must be a number"};
    } else if (name == "etag") {
      c.etag = value;
    } else if (name == "request-id") {
      c.request_id = value;
    } else if (name == "api-key") {
      c.api_key = value;
    } else if (name == "tls-ca") {
      c.tls_ca = value;
    } else if (name == "tls-cert") {
      c.tls_cert = value;
    } else if (name == "tls-key") {
      c.tls_key = value;
    } else {
      c.fields.emplace_back(name, value);
    }
  }
  if (positional.size() < 2) throw UsageError{"NOUN and VERB are required"};
  c.noun = positional[0];
  c.verb = positional[1];
  if (positional.size() > 3) throw UsageError{"too many arguments"};
  if (positional.size() == 3) c.id = positional[2];
  if (c.plaintext && (!c.tls_ca.empty() || !c.tls_cert.empty())) {
    throw UsageError{"--plaintext and --tls-* contradict each other"};
  }
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    throw UsageError{"--tls-cert and --tls-key go together"};
  }
  return c;
}

// --- Setting fields from flags, through reflection ---------------------------

std::string FieldName(absl::string_view flag) { return absl::StrReplaceAll(flag, {{"-", "_"}}); }

bool IsOutputOnly(absl::string_view field) {
  return field == "name" || field == "etag" || field == "create_time" || field == "update_time";
}

absl::Time ParseTimestamp(absl::string_view text, absl::string_view flag) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    throw UsageError{absl::StrCat(
        "--", flag,
        ": not an RFC 3339 time such as "
        "2026-12-01T09:00:00+02:00")};
  }
  return t;
}

void SetTimestamp(pb::Message* msg, absl::Time t) {
  auto* ts = static_cast<pb::Timestamp*>(msg);
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

// Enum value by its short name ("lecturer") or full name ("ROLE_LECTURER").
int ParseEnumValue(const pb::EnumDescriptor* type, absl::string_view text, absl::string_view flag) {
  const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  absl::string_view prefix = type->value(0)->name();
  absl::ConsumeSuffix(&prefix, "UNSPECIFIED");
  if (const auto* v = type->FindValueByName(absl::StrCat(prefix, upper)); v && v->number() != 0) {
    return v->number();
  }
  if (const auto* v = type->FindValueByName(upper); v && v->number() != 0) return v->number();
  std::vector<std::string> names;
  for (int i = 1; i < type->value_count(); ++i) {
    names.push_back(absl::AsciiStrToLower(type->value(i)->name().substr(prefix.size())));
  }
  throw UsageError{absl::StrCat("--", flag, ": one of ", absl::StrJoin(names, ", "))};
}

std::string MunicipalityCode(absl::string_view text) {
  const auto& ref = reference::ReferenceData::Get();
  if (const auto* m = ref.FindMunicipalityByName(text)) return m->code;
  return std::string(text);  // a code, or left for the server to refuse
}

int ParseClock(absl::string_view text, absl::string_view flag) {
  std::pair<absl::string_view, absl::string_view> hm = absl::StrSplit(text, ':');
  int h = 0, m = 0;
  if (!absl::SimpleAtoi(hm.first, &h) || !absl::SimpleAtoi(hm.second, &m)) {
    throw UsageError{absl::StrCat("--", flag, ": times are HH:MM")};
  }
  return h * 60 + m;
}

void SetScalar(
    pb::Message* msg, const pb::FieldDescriptor* f, absl::string_view text, absl::string_view flag);

// Fills a message-typed list element from its one-string form.
void FillMessage(pb::Message* msg, absl::string_view text, absl::string_view flag) {
  const std::string& type = msg->GetDescriptor()->full_name();
  if (type == "kokemus.v1.WeeklyWindow") {
    std::vector<std::string> parts = absl::StrSplit(text, absl::ByAnyChar(" -"), absl::SkipEmpty());
    if (parts.size() != 3) throw UsageError{absl::StrCat("--", flag, ": DAY HH:MM-HH:MM")};
    auto* w = static_cast<v1::WeeklyWindow*>(msg);
    w->set_day(static_cast<v1::Weekday>(ParseEnumValue(v1::Weekday_descriptor(), parts[0], flag)));
    w->set_start_minute(ParseClock(parts[1], flag));
    w->set_end_minute(ParseClock(parts[2], flag));
  } else if (type == "kokemus.v1.UnavailablePeriod") {
    std::pair<absl::string_view, absl::string_view> se = absl::StrSplit(text, '/');
    auto* p = static_cast<v1::UnavailablePeriod*>(msg);
    SetTimestamp(p->mutable_start_time(), ParseTimestamp(se.first, flag));
    SetTimestamp(p->mutable_end_time(), ParseTimestamp(se.second, flag));
  } else if (type == "google.protobuf.Timestamp") {
    SetTimestamp(msg, ParseTimestamp(text, flag));
  } else {
    // Any other message: its fields in declaration order, separated by '|'
    // ("lecturer|2026-01-01|fixed|15000|0|false" for a RoleFeeRule).
    std::vector<std::string> parts = absl::StrSplit(text, '|');
    const pb::Descriptor* d = msg->GetDescriptor();
    if (static_cast<int>(parts.size()) > d->field_count()) {
      throw UsageError{
          absl::StrCat("--", flag, ": at most ", d->field_count(), " values separated by |")};
    }
    for (size_t i = 0; i < parts.size(); ++i) {
      if (!parts[i].empty()) SetScalar(msg, d->field(static_cast<int>(i)), parts[i], flag);
    }
  }
}

void SetScalar(
    pb::Message* msg, const pb::FieldDescriptor* f, absl::string_view text,
    absl::string_view flag) {
  const pb::Reflection* r = msg->GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING: {
      std::string value(text);
      if (absl::StrContains(f->name(), "municipalit")) value = MunicipalityCode(text);
      rep ? r->AddString(msg, f, value) : r->SetString(msg, f, value);
      return;
    }
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(text, &v)) throw UsageError{absl::StrCat("--", flag, ": not a number")};
      rep ? r->AddInt32(msg, f, v) : r->SetInt32(msg, f, v);
      return;
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(text, &v)) throw UsageError{absl::StrCat("--", flag, ": not a number")};
      rep ? r->AddInt64(msg, f, v) : r->SetInt64(msg, f, v);
      return;
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!absl::SimpleAtob(text, &v))
        throw UsageError{absl::StrCat("--", flag, ": true or false")};
      r->SetBool(msg, f, v);
      return;
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const int v = ParseEnumValue(f->enum_type(), text, flag);
      rep ? r->AddEnumValue(msg, f, v) : r->SetEnumValue(msg, f, v);
      return;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      FillMessage(rep ? r->AddMessage(msg, f) : r->MutableMessage(msg, f), text, flag);
      return;
    default:
      throw UsageError{absl::StrCat("--", flag, " can't be set from the command line")};
  }
}

// Sets the flags' fields on `resource`; returns the top-level field names set.
std::vector<std::string> SetFields(
    const std::vector<std::pair<std::string, std::string>>& flags, pb::Message* resource) {
  std::vector<std::string> top_level;
  for (const auto& [flag, value] : flags) {
    std::vector<std::string> path = absl::StrSplit(FieldName(flag), '.');
    pb::Message* msg = resource;
    const pb::FieldDescriptor* f = nullptr;
    for (size_t i = 0; i < path.size(); ++i) {
      f = msg->GetDescriptor()->FindFieldByName(path[i]);
      if (f == nullptr || (i == 0 && IsOutputOnly(path[i]))) {
        throw UsageError{
            absl::StrCat("unknown option --", flag, " for ", resource->GetDescriptor()->name())};
      }
      if (i + 1 < path.size()) {
        if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) {
          throw UsageError{absl::StrCat("unknown option --", flag)};
        }
        msg = msg->GetReflection()->MutableMessage(msg, f);
      }
    }
    if (f->is_repeated() && f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        SetScalar(msg, f, absl::StripAsciiWhitespace(part), flag);
      }
    } else {
      SetScalar(msg, f, value, flag);
    }
    if (std::find(top_level.begin(), top_level.end(), path[0]) == top_level.end()) {
      top_level.push_back(path[0]);
    }
  }
  return top_level;
}

// --- Output ----------------------------------------------------------------

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

std::string FormatField(const pb::Message& msg, const pb::FieldDescriptor* f) {
  if (!f->is_repeated()) return FormatElement(msg, f, 0);
  std::vector<std::string> parts;
  for (int i = 0; i < msg.GetReflection()->FieldSize(msg, f); ++i) {
    parts.push_back(FormatElement(msg, f, i));
  }
  return absl::StrJoin(parts, f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE ? "; " : ",");
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

void PrintTable(
    const std::vector<const pb::Message*>& rows, const std::vector<std::string>& columns,
    std::ostream& out) {
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  std::vector<std::string> header;
  for (const auto& c : columns) header.push_back(absl::AsciiStrToUpper(c));
  cells.push_back(header);
  for (const pb::Message* row : rows) {
    std::vector<std::string> line;
    for (const auto& c : columns) {
      line.push_back(FormatField(*row, row->GetDescriptor()->FindFieldByName(c)));
    }
    cells.push_back(std::move(line));
  }
  widths.assign(columns.size(), 0);
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(line[i]));
  }
  for (const auto& line : cells) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      absl::StrAppend(&text, line[i]);
      if (i + 1 < line.size()) text.append(widths[i] - DisplayWidth(line[i]) + 2, ' ');
    }
    out << text << "\n";
  }
}

void PrintResource(const pb::Message& msg, std::ostream& out) {
  std::vector<const pb::FieldDescriptor*> fields;
  msg.GetReflection()->ListFields(msg, &fields);
  size_t width = 0;
  for (const auto* f : fields) width = std::max(width, f->name().size());
  for (const auto* f : fields) {
    out << f->name() << ":" << std::string(width - f->name().size() + 1, ' ') << FormatField(msg, f)
        << "\n";
  }
}

void PrintJson(const pb::Message& msg, std::ostream& out) {
  std::string json;
  pb::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)pb::util::MessageToJsonString(msg, &json, options);
  out << json;
  if (json.empty() || json.back() != '\n') out << "\n";
}

// --- Errors ------------------------------------------------------------------

int ExitCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 3;
    case grpc::StatusCode::NOT_FOUND:
      return 4;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 5;
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 6;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 7;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return 8;
    default:
      return 1;
  }
}

std::string CodeText(grpc::StatusCode code) {
  static const std::map<grpc::StatusCode, std::string> kText = {
      {grpc::StatusCode::INVALID_ARGUMENT, "invalid argument"},
      {grpc::StatusCode::NOT_FOUND, "not found"},
      {grpc::StatusCode::ALREADY_EXISTS, "already exists"},
      {grpc::StatusCode::ABORTED, "conflict"},
      {grpc::StatusCode::FAILED_PRECONDITION, "failed precondition"},
      {grpc::StatusCode::UNAVAILABLE, "server unavailable"},
      {grpc::StatusCode::DEADLINE_EXCEEDED, "timed out"},
      {grpc::StatusCode::UNAUTHENTICATED, "not authenticated"},
      {grpc::StatusCode::PERMISSION_DENIED, "permission denied"}};
  auto it = kText.find(code);
  return it == kText.end() ? absl::StrCat("error ", static_cast<int>(code)) : it->second;
}

int ReportError(const grpc::Status& status, std::ostream& err) {
  std::string reason = status.error_message();
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    std::vector<std::string> violations;
    for (const auto& any : details.details()) {
      google::rpc::BadRequest bad_request;
      if (!any.UnpackTo(&bad_request)) continue;
      for (const auto& v : bad_request.field_violations()) {
        violations.push_back(absl::StrCat(v.field(), ": ", v.description()));
      }
    }
    if (!violations.empty()) reason = absl::StrJoin(violations, "; ");
  }
  absl::StrReplaceAll({{"\n", " "}}, &reason);
  err << "kokemusctl: " << CodeText(status.error_code()) << ": " << reason << "\n";
  return ExitCode(status.error_code());
}

// --- Commands ----------------------------------------------------------------

// The RPCs and table columns of one noun. Requests and responses differ only
// in the resource's field name, which reflection reaches generically: field 1
// of every Create/Get/Update response is the resource.
template <
    typename Stub, typename CreateReq, typename CreateResp, typename GetReq, typename GetResp,
    typename ListReq, typename ListResp, typename UpdateReq, typename UpdateResp,
    typename DeleteReq, typename DeleteResp>
struct Noun {
  template <typename Req, typename Resp>
  using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Req&, Resp*);

  absl::string_view singular;    // "expert"
  absl::string_view collection;  // "experts"
  bool scoped;                   // lives under exchanges/{exchange}
  Rpc<CreateReq, CreateResp> create;
  Rpc<GetReq, GetResp> get;
  Rpc<ListReq, ListResp> list;
  Rpc<UpdateReq, UpdateResp> update;
  Rpc<DeleteReq, DeleteResp> remove;  // nullptr: no delete
  std::vector<std::string> columns;
};

// A message field by name, for the few request fields set generically.
pb::Message* MutableField(pb::Message& msg, absl::string_view name) {
  const pb::FieldDescriptor* f = msg.GetDescriptor()->FindFieldByName(std::string(name));
  return msg.GetReflection()->MutableMessage(&msg, f);
}

void SetString(pb::Message& msg, absl::string_view name, const std::string& value) {
  const pb::FieldDescriptor* f = msg.GetDescriptor()->FindFieldByName(std::string(name));
  msg.GetReflection()->SetString(&msg, f, value);
}

std::string ReadPemFile(const std::string& path, absl::string_view flag) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) throw UsageError{absl::StrCat("--", flag, ": cannot read ", path)};
  return text.str();
}

// TLS (the system's roots or --tls-ca; a client certificate for mutual TLS),
// or plaintext when asked for.
std::shared_ptr<grpc::ChannelCredentials> Credentials(const Command& c) {
  if (c.plaintext) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  if (!c.tls_ca.empty()) ssl.pem_root_certs = ReadPemFile(c.tls_ca, "tls-ca");
  if (!c.tls_cert.empty()) {
    ssl.pem_cert_chain = ReadPemFile(c.tls_cert, "tls-cert");
    ssl.pem_private_key = ReadPemFile(c.tls_key, "tls-key");
  }
  return grpc::SslCredentials(ssl);
}

const pb::Message& Resource(const pb::Message& response) {
  return response.GetReflection()->GetMessage(response, response.GetDescriptor()->field(0));
}

class Client final {
 public:
  Client(const Command& c, std::ostream& out, std::ostream& err)
      : c_(c),
        out_(out),
        err_(err),
        channel_(grpc::CreateChannel(c.server, Credentials(c))),
        registry_(v1::RegistryService::NewStub(channel_)),
        orders_(v1::OrderService::NewStub(channel_)),
        contracts_(v1::ContractService::NewStub(channel_)) {}

  int Run() {
    using S = v1::RegistryService::Stub;
    using O = v1::OrderService::Stub;
    if (c_.noun == "order" && c_.verb == "cancel") return CancelOrder();
    if (c_.noun == "order") {
      return RunNoun(Noun<
                     O, v1::CreateOrderRequest, v1::CreateOrderResponse, v1::GetOrderRequest,
                     v1::GetOrderResponse, v1::ListOrdersRequest, v1::ListOrdersResponse,
                     v1::UpdateOrderRequest, v1::UpdateOrderResponse, v1::DeleteExpertRequest,
                     v1::DeleteExpertResponse>{
          "order",
          "orders",
          true,
          &O::CreateOrder,
          &O::GetOrder,
          &O::ListOrders,
          &O::UpdateOrder,
          nullptr,
          {"name", "start_time", "role", "organization", "state", "experts_needed"}});
    }
    if (c_.noun == "health") return Health();
    if (c_.noun == "key") return Key();
    if (c_.noun == "audit") return Audit();
    if (c_.noun == "expert" && (c_.verb == "export" || c_.verb == "erase")) return ExpertRights();
    if (c_.noun == "contract") return Contract();
    if (c_.noun == "match") return Match();
    if (c_.noun == "report") return Report();
    if (c_.noun == "template") return Template();
    if (c_.noun == "exchange" && c_.verb == "privacy-notice") return PrivacyNotice();
    if (c_.noun == "exchange" && c_.verb == "apply-retention") return ApplyRetention();
    if (c_.noun == "assignment") return Assignment();
    if (c_.noun == "feedback") return Feedback();
    if (c_.noun == "fees") return Fees();
    if (c_.noun == "exchange") {
      return RunNoun(Noun<
                     S, v1::CreateExchangeRequest, v1::CreateExchangeResponse,
                     v1::GetExchangeRequest, v1::GetExchangeResponse, v1::ListExchangesRequest,
                     v1::ListExchangesResponse, v1::UpdateExchangeRequest,
                     v1::UpdateExchangeResponse, v1::DeleteExpertRequest, v1::DeleteExpertResponse>{
          "exchange",
          "exchanges",
          false,
          &S::CreateExchange,
          &S::GetExchange,
          &S::ListExchanges,
          &S::UpdateExchange,
          nullptr,
          {"name", "display_name", "wellbeing_region", "default_language"}});
    }
    if (c_.noun == "expert") {
      return RunNoun(Noun<
                     S, v1::CreateExpertRequest, v1::CreateExpertResponse, v1::GetExpertRequest,
                     v1::GetExpertResponse, v1::ListExpertsRequest, v1::ListExpertsResponse,
                     v1::UpdateExpertRequest, v1::UpdateExpertResponse, v1::DeleteExpertRequest,
                     v1::DeleteExpertResponse>{
          "expert",
          "experts",
          true,
          &S::CreateExpert,
          &S::GetExpert,
          &S::ListExperts,
          &S::UpdateExpert,
          &S::DeleteExpert,
          {"name", "display_name", "state", "home_municipality", "languages", "roles"}});
    }
    if (c_.noun == "organization") {
      return RunNoun(Noun<
                     S, v1::CreateOrganizationRequest, v1::CreateOrganizationResponse,
                     v1::GetOrganizationRequest, v1::GetOrganizationResponse,
                     v1::ListOrganizationsRequest, v1::ListOrganizationsResponse,
                     v1::UpdateOrganizationRequest, v1::UpdateOrganizationResponse,
                     v1::DeleteOrganizationRequest, v1::DeleteOrganizationResponse>{
          "organization",
          "organizations",
          true,
          &S::CreateOrganization,
          &S::GetOrganization,
          &S::ListOrganizations,
          &S::UpdateOrganization,
          &S::DeleteOrganization,
          {"name", "display_name", "kind", "municipality"}});
    }
    throw UsageError{absl::StrCat("unknown noun ", c_.noun)};
  }

 private:
  std::unique_ptr<grpc::ClientContext> Context() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(absl::ToChronoTime(absl::Now() + c_.timeout));
    if (!c_.api_key.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", c_.api_key));
    return ctx;
  }

  std::string RequireId() {
    if (c_.id.empty()) throw UsageError{absl::StrCat(c_.noun, " ", c_.verb, " needs an ID")};
    return c_.id;
  }

  std::string Parent() {
    if (c_.exchange.empty()) throw UsageError{"--exchange (or KOKEMUS_EXCHANGE) is required"};
    return absl::StartsWith(c_.exchange, "exchanges/") ? c_.exchange
                                                       : absl::StrCat("exchanges/", c_.exchange);
  }

  // The resource name from the positional ID (or a full name given as ID).
  template <typename N>
  std::string Name(const N& noun) {
    const std::string id = RequireId();
    if (absl::StartsWith(id, "exchanges/")) return id;
    return noun.scoped ? absl::StrCat(Parent(), "/", noun.collection, "/", id)
                       : absl::StrCat("exchanges/", id);
  }

  void RequireNoFields() {
    if (!c_.fields.empty()) {
      throw UsageError{absl::StrCat("unknown option --", c_.fields[0].first, " for ", c_.verb)};
    }
  }

  // Prints the resource of a response, or the whole response as JSON.
  int Done(const grpc::Status& status, const pb::Message& response, bool has_resource) {
    if (!status.ok()) return ReportError(status, err_);
    if (c_.output == "json") {
      PrintJson(response, out_);
    } else if (has_resource) {
      PrintResource(Resource(response), out_);
    }
    return 0;
  }

  template <typename Stub, typename Req, typename Resp>
  int Call(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), const Req& request) {
    Resp response;
    grpc::Status status = (Of<Stub>().*rpc)(Context().get(), request, &response);
    return Done(status, response, response.GetDescriptor()->field_count() > 0);
  }

  template <typename Stub>
  Stub& Of() {
    if constexpr (std::is_same_v<Stub, v1::OrderService::Stub>) {
      return *orders_;
    } else if constexpr (std::is_same_v<Stub, v1::ContractService::Stub>) {
      return *contracts_;
    } else {
      return *registry_;
    }
  }

  // `--organization lyseo` and `--expert kaisa` stand for resource names in the
  // --exchange.
  void ExpandReferences(pb::Message& resource) {
    for (const char* field : {"organization", "expert"}) {
      const pb::FieldDescriptor* f = resource.GetDescriptor()->FindFieldByName(field);
      if (f == nullptr || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING) continue;
      const std::string value = resource.GetReflection()->GetString(resource, f);
      if (value.empty() || absl::StrContains(value, '/')) continue;
      resource.GetReflection()->SetString(
          &resource, f, absl::StrCat(Parent(), "/", field, "s/", value));
    }
  }

  // An assignment from "ORDER/ASSIGNMENT" with --exchange, or its full name.
  std::string AssignmentName() {
    const std::string id = RequireId();
    if (absl::StartsWith(id, "exchanges/")) return id;
    std::vector<std::string> parts = absl::StrSplit(id, '/');
    if (parts.size() != 2) throw UsageError{"an assignment is ORDER/ASSIGNMENT or its full name"};
    return absl::StrCat(Parent(), "/orders/", parts[0], "/assignments/", parts[1]);
  }

  std::string OrderName() {
    const std::string id = RequireId();
    return absl::StartsWith(id, "exchanges/") ? id : absl::StrCat(Parent(), "/orders/", id);
  }

  // Takes the named flags off the command as one value each (nullopt if absent).
  std::optional<std::string> TakeFlag(absl::string_view name) {
    for (auto it = fields_.begin(); it != fields_.end(); ++it) {
      if (it->first == name) {
        std::string value = it->second;
        fields_.erase(it);
        return value;
      }
    }
    return std::nullopt;
  }

  void RequireNoMoreFlags() {
    if (!fields_.empty()) {
      throw UsageError{
          absl::StrCat("unknown option --", fields_[0].first, " for ", c_.noun, " ", c_.verb)};
    }
  }

  // `health check [SERVICE]`: exit 0 when SERVING, 7 otherwise. For probes
  // and operators; the server's health service answers it.
  int Health() {
    if (c_.verb != "check") throw UsageError{"health has one verb: check"};
    auto health = grpc::health::v1::Health::NewStub(channel_);
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(c_.id);
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status status = health->Check(Context().get(), req, &resp);
    if (!status.ok()) return ReportError(status, err_);
    const bool serving = resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    out_ << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status()) << "\n";
    return serving ? 0 : 7;
  }

  // The exchange part of key and audit names: --exchange, or "-" (national).
  std::string ScopeParent() {
    return c_.exchange.empty() || c_.exchange == "-" ? "exchanges/-" : Parent();
  }

  // key create|list|revoke|whoami.
  int Key() {
    auto access = v1::AccessService::NewStub(channel_);
    fields_ = c_.fields;
    if (c_.verb == "create") {
      v1::CreateApiKeyRequest req;
      req.set_parent(ScopeParent());
      v1::ApiKey* key = req.mutable_api_key();
      key->set_display_name(TakeFlag("display-name").value_or(""));
      const std::string role = TakeFlag("role").value_or("");
      if (role.empty()) throw UsageError{"--role is required"};
      key->set_role(
          static_cast<v1::AccessRole>(ParseEnumValue(v1::AccessRole_descriptor(), role, "role")));
      absl::Duration lifetime = absl::Hours(24 * 90);
      if (auto in = TakeFlag("expires-in")) {
        absl::string_view text = *in;
        int days = 0;
        if (!absl::ConsumeSuffix(&text, "d") || !absl::SimpleAtoi(text, &days) || days <= 0) {
          throw UsageError{"--expires-in must be a number of days such as 90d"};
        }
        lifetime = absl::Hours(24 * days);
      }
      absl::Time expire = absl::Now() + lifetime;
      if (auto at = TakeFlag("expire-time")) expire = ParseDayOrTime(*at, "expire-time");
      SetTimestamp(key->mutable_expire_time(), expire);
      if (auto org = TakeFlag("organization")) key->set_organization(*org);
      if (auto expert = TakeFlag("expert")) key->set_expert(*expert);
      ExpandReferences(*key);
      RequireNoMoreFlags();
      v1::CreateApiKeyResponse resp;
      grpc::Status status = access->CreateApiKey(Context().get(), req, &resp);
      if (!status.ok()) return ReportError(status, err_);
      if (c_.output == "json") {
        PrintJson(resp, out_);
      } else {
        // The key alone on stdout, for `export KOKEMUS_API_KEY=$(...)`.
        out_ << resp.key() << "\n";
        err_ << resp.api_key().name() << ": the key is shown only now; keep it safe\n";
      }
      return 0;
    }
    if (c_.verb == "list") {
      RequireNoMoreFlags();
      v1::ListApiKeysRequest req;
      req.set_parent(ScopeParent());
      v1::ListApiKeysResponse resp;
      grpc::Status status = access->ListApiKeys(Context().get(), req, &resp);
      if (!status.ok()) return ReportError(status, err_);
      if (c_.output == "json") {
        PrintJson(resp, out_);
        return 0;
      }
      std::vector<const pb::Message*> rows;
      for (const auto& k : resp.api_keys()) rows.push_back(&k);
      PrintTable(rows, {"name", "display_name", "role", "expire_time", "revoke_time"}, out_);
      return 0;
    }
    if (c_.verb == "revoke") {
      RequireNoMoreFlags();
      v1::RevokeApiKeyRequest req;
      const std::string id = RequireId();
      req.set_name(
          absl::StartsWith(id, "exchanges/") ? id : absl::StrCat(ScopeParent(), "/apiKeys/", id));
      v1::RevokeApiKeyResponse resp;
      return Done(access->RevokeApiKey(Context().get(), req, &resp), resp, true);
    }
    if (c_.verb == "whoami") {
      RequireNoMoreFlags();
      v1::GetCallerResponse resp;
      return Done(access->GetCaller(Context().get(), v1::GetCallerRequest(), &resp), resp, true);
    }
    throw UsageError{"key verbs: create, list, revoke, whoami"};
  }

  // audit list|verify.
  int Audit() {
    auto access = v1::AccessService::NewStub(channel_);
    fields_ = c_.fields;
    if (c_.verb == "list") {
      v1::ListAuditRecordsRequest req;
      req.set_parent(ScopeParent());
      if (auto r = TakeFlag("resource")) {
        // An expert's id stands for exchanges/{exchange}/experts/{id}.
        req.set_resource(
            absl::StartsWith(*r, "exchanges/") ? *r : absl::StrCat(Parent(), "/experts/", *r));
      }
      if (auto key = TakeFlag("key")) req.set_api_key_id(*key);
      if (auto from = TakeFlag("from"))
        SetTimestamp(req.mutable_start_time(), ParseDayOrTime(*from, "from"));
      if (auto to = TakeFlag("to")) SetTimestamp(req.mutable_end_time(), ParseDayOrTime(*to, "to"));
      if (auto limit = TakeFlag("limit")) req.set_page_size(IntFlag("limit", *limit));
      RequireNoMoreFlags();
      v1::ListAuditRecordsResponse resp;
      grpc::Status status = access->ListAuditRecords(Context().get(), req, &resp);
      if (!status.ok()) return ReportError(status, err_);
      if (c_.output == "json") {
        PrintJson(resp, out_);
        return 0;
      }
      std::vector<const pb::Message*> rows;
      for (const auto& r : resp.audit_records()) rows.push_back(&r);
      PrintTable(rows, {"time", "api_key_id", "role", "method", "resource", "outcome"}, out_);
      return 0;
    }
    if (c_.verb == "verify") {
      RequireNoMoreFlags();
      v1::VerifyAuditLogRequest req;
      req.set_parent(ScopeParent());
      v1::VerifyAuditLogResponse resp;
      grpc::Status status = access->VerifyAuditLog(Context().get(), req, &resp);
      if (!status.ok()) return ReportError(status, err_);
      if (c_.output == "json") {
        PrintJson(resp, out_);
      } else {
        out_ << (resp.intact() ? "intact" : "TAMPERED") << "\n";
        for (const std::string& p : resp.problems()) out_ << p << "\n";
      }
      return resp.intact() ? 0 : 1;
    }
    throw UsageError{"audit verbs: list, verify"};
  }

  // exchange apply-retention [ID | -]: the retention rule, now.
  int ApplyRetention() {
    RequireNoFields();
    v1::ApplyRetentionRequest req;
    const std::string id = c_.id.empty() ? c_.exchange : c_.id;
    if (id.empty())
      throw UsageError{"exchange apply-retention needs an ID (or - for every exchange)"};
    req.set_name(absl::StartsWith(id, "exchanges/") ? id : absl::StrCat("exchanges/", id));
    v1::ApplyRetentionResponse resp;
    grpc::Status status = registry_->ApplyRetention(Context().get(), req, &resp);
    if (!status.ok()) return ReportError(status, err_);
    if (c_.output == "json") {
      PrintJson(resp, out_);
    } else {
      out_ << "erased " << resp.erased_experts() << " experts\n";
    }
    return 0;
  }

  // expert export ID [-o F.json] | expert erase ID.
  int ExpertRights() {
    RequireNoFields();
    const std::string id = RequireId();
    const std::string name =
        absl::StartsWith(id, "exchanges/") ? id : absl::StrCat(Parent(), "/experts/", id);
    if (c_.verb == "export") {
      v1::ExportExpertDataRequest req;
      req.set_name(name);
      v1::ExportExpertDataResponse resp;
      grpc::Status status = registry_->ExportExpertData(Context().get(), req, &resp);
      if (!status.ok()) return ReportError(status, err_);
      return WriteDocument(resp.json());
    }
    v1::EraseExpertRequest req;
    req.set_name(name);
    v1::EraseExpertResponse resp;
    grpc::Status status = registry_->EraseExpert(Context().get(), req, &resp);
    if (!status.ok()) return ReportError(status, err_);
    if (c_.output == "json") {
      PrintJson(resp, out_);
    } else {
      out_ << "erased; the kept assignments now name " << resp.pseudonym() << "\n";
    }
    return 0;
  }

  // Writes a document to -o FILE, or to stdout without -o.
  int WriteDocument(const std::string& content) {
    if (c_.output_file.empty()) {
      out_ << content;
      return 0;
    }
    std::ofstream file(c_.output_file, std::ios::binary);
    file << content;
    if (!file) {
      err_ << "kokemusctl: cannot write " << c_.output_file << "\n";
      return 1;
    }
    return 0;
  }

  std::string ContractName() {
    const std::string id = RequireId();
    return absl::StartsWith(id, "exchanges/") ? id : absl::StrCat(Parent(), "/contracts/", id);
  }

  v1::DocumentFormat Format() {
    const std::string format = TakeFlag("format").value_or("pdf");
    if (format == "pdf") return v1::DOCUMENT_FORMAT_PDF;
    if (format == "text") return v1::DOCUMENT_FORMAT_TEXT;
    throw UsageError{"--format: pdf or text"};
  }

  int FetchDocument(const std::string& name, v1::DocumentFormat format) {
    v1::GetContractDocumentRequest req;
    req.set_name(name);
    req.set_format(format);
    v1::GetContractDocumentResponse resp;
    grpc::Status status = contracts_->GetContractDocument(Context().get(), req, &resp);
    if (!status.ok()) return ReportError(status, err_);
    return WriteDocument(resp.content());
  }

  // contract generate ORDER/ASSIGNMENT [--language fi] [-o contract.pdf];
  // get|accept|document NAME; list.
  int Contract() {
    using C = v1::ContractService::Stub;
    fields_ = c_.fields;
    if (c_.verb == "generate") {
      v1::GenerateContractRequest req;
      req.set_assignment(AssignmentName());
      req.set_language(TakeFlag("language").value_or(""));
      const v1::DocumentFormat format = Format();
      RequireNoMoreFlags();
      v1::GenerateContractResponse resp;
      grpc::Status status = contracts_->GenerateContract(Context().get(), req, &resp);
      if (!status.ok()) return ReportError(status, err_);
      if (!c_.output_file.empty()) {
        if (int code = FetchDocument(resp.contract().name(), format); code != 0) return code;
      }
      if (c_.output == "json") {
        PrintJson(resp, out_);
      } else {
        PrintResource(resp.contract(), out_);
      }
      return 0;
    }
    if (c_.verb == "list") {
      RequireNoMoreFlags();
      return List(
          &C::ListContracts, Parent(), "contracts",
          {"name", "assignment", "language", "version", "accepted_name"});
    }
    const std::string name = ContractName();
    if (c_.verb == "get") {
      RequireNoMoreFlags();
      v1::GetContractRequest req;
      req.set_name(name);
      return Call(&C::GetContract, req);
    }
    if (c_.verb == "document") {
      const v1::DocumentFormat format = Format();
      RequireNoMoreFlags();
      return FetchDocument(name, format);
    }
    if (c_.verb == "accept") {
      v1::AcceptContractRequest req;
      req.set_name(name);
      req.set_full_name(TakeFlag("full-name").value_or(""));
      RequireNoMoreFlags();
      return Call(&C::AcceptContract, req);
    }
    throw UsageError{absl::StrCat("unknown verb ", c_.verb, " for contract")};
  }

  // template list; get|activate LANGUAGE-VERSION; upload --language fi --file F.
  int Template() {
    using C = v1::ContractService::Stub;
    fields_ = c_.fields;
    if (c_.verb == "list") {
      RequireNoMoreFlags();
      return List(
          &C::ListContractTemplates, Parent(), "contract_templates",
          {"name", "language", "version", "active"});
    }
    if (c_.verb == "upload") {
      v1::CreateContractTemplateRequest req;
      req.set_parent(Parent());
      req.mutable_contract_template()->set_language(TakeFlag("language").value_or(""));
      const std::string file = TakeFlag("file").value_or("");
      RequireNoMoreFlags();
      std::ifstream in(file, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      if (file.empty() || !in) throw UsageError{"template upload needs --file TEMPLATE"};
      req.mutable_contract_template()->set_text(text.str());
      return Call(&C::CreateContractTemplate, req);
    }
    const std::string id = RequireId();
    const std::string name =
        absl::StartsWith(id, "exchanges/") ? id : absl::StrCat(Parent(), "/contractTemplates/", id);
    RequireNoMoreFlags();
    if (c_.verb == "get") {
      v1::GetContractTemplateRequest req;
      req.set_name(name);
      return Call(&C::GetContractTemplate, req);
    }
    if (c_.verb == "activate") {
      v1::ActivateContractTemplateRequest req;
      req.set_name(name);
      return Call(&C::ActivateContractTemplate, req);
    }
    throw UsageError{absl::StrCat("unknown verb ", c_.verb, " for template")};
  }

  // exchange privacy-notice ID [--language fi] [--format pdf|text] [-o notice.pdf].
  int PrivacyNotice() {
    fields_ = c_.fields;
    v1::RenderPrivacyNoticeRequest req;
    const std::string id = RequireId();
    req.set_name(absl::StartsWith(id, "exchanges/") ? id : absl::StrCat("exchanges/", id));
    req.set_language(TakeFlag("language").value_or(""));
    req.set_format(Format());
    RequireNoMoreFlags();
    v1::RenderPrivacyNoticeResponse resp;
    grpc::Status status = contracts_->RenderPrivacyNotice(Context().get(), req, &resp);
    if (!status.ok()) return ReportError(status, err_);
    return WriteDocument(resp.content());
  }

  // match rank ORDER: candidates with their score parts, then the excluded
  // experts with the rule. match plan --from --to [--offer-deadline T]: the
  // plan beside greedy's figures, turned into offers with a deadline.
  // match settings [--WEIGHT N] [--rest-after-heavy-hours H]: show or change.
  int Match() {
    fields_ = c_.fields;
    if (c_.verb == "rank") return MatchRank();
    if (c_.verb == "plan") return MatchPlan();
    if (c_.verb == "settings") return MatchSettings();
    throw UsageError{"match verbs: rank, plan, settings"};
  }

  int MatchRank() {
    v1::RankExpertsRequest req;
    req.set_order(OrderName());
    if (auto n = TakeFlag("max-candidates")) req.set_max_candidates(IntFlag("max-candidates", *n));
    if (auto omit = TakeFlag("omit-excluded"))
      req.set_omit_excluded(BoolFlag("omit-excluded", *omit));
    RequireNoMoreFlags();
    v1::RankExpertsResponse resp;
    auto matching = v1::MatchingService::NewStub(channel_);
    grpc::Status status = matching->RankExperts(Context().get(), req, &resp);
    if (!status.ok()) return ReportError(status, err_);
    if (c_.output == "json") {
      PrintJson(resp, out_);
      return 0;
    }
    std::vector<const pb::Message*> rows;
    for (const auto& c : resp.candidates()) rows.push_back(&c);
    PrintTable(rows, {"expert", "display_name", "score", "parts", "fee_cents", "travel_km"}, out_);
    if (resp.excluded_size() > 0) {
      out_ << "\nexcluded:\n";
      std::vector<const pb::Message*> excluded;
      for (const auto& x : resp.excluded()) excluded.push_back(&x);
      PrintTable(excluded, {"expert", "display_name", "rule", "reason"}, out_);
    } else if (resp.exclusion_counts_size() > 0) {
      out_ << "\nexcluded:\n";
      std::vector<const pb::Message*> counts;
      for (const auto& x : resp.exclusion_counts()) counts.push_back(&x);
      PrintTable(counts, {"rule", "count"}, out_);
    }
    return 0;
  }

  int MatchPlan() {
    auto matching = v1::MatchingService::NewStub(channel_);
    v1::PlanAssignmentsRequest req;
    req.set_parent(Parent());
    const auto from = TakeFlag("from");
    const auto to = TakeFlag("to");
    if (!from || !to) throw UsageError{"match plan needs --from and --to"};
    SetTimestamp(req.mutable_start_time(), ParseDayOrTime(*from, "from"));
    SetTimestamp(req.mutable_end_time(), ParseDayOrTime(*to, "to"));
    if (auto n = TakeFlag("candidates-per-order")) {
      req.set_candidates_per_order(IntFlag("candidates-per-order", *n));
    }
    const auto deadline = TakeFlag("offer-deadline");
    RequireNoMoreFlags();
    v1::PlanAssignmentsResponse plan;
    grpc::Status status = matching->PlanAssignments(Context().get(), req, &plan);
    if (!status.ok()) return ReportError(status, err_);
    v1::OfferPlanResponse offered;
    if (deadline && plan.proposals_size() > 0) {
      v1::OfferPlanRequest offer;
      offer.set_parent(Parent());
      *offer.mutable_proposals() = plan.proposals();
      SetTimestamp(offer.mutable_offer_deadline(), ParseTimestamp(*deadline, "offer-deadline"));
      status = matching->OfferPlan(Context().get(), offer, &offered);
      if (!status.ok()) return ReportError(status, err_);
    }
    if (c_.output == "json") {
      PrintJson(plan, out_);
      if (deadline) PrintJson(offered, out_);
      return 0;
    }
    std::vector<const pb::Message*> rows;
    for (const auto& p : plan.proposals()) rows.push_back(&p);
    PrintTable(rows, {"order", "expert", "display_name", "score", "fee_cents", "travel_km"}, out_);
    auto figures = [](const v1::PlanQuality& q) {
      return absl::StrFormat(
          "%d places, score %.2f, objective %.2f, Gini %.3f, %d of %d experts", q.places_filled(),
          q.total_score(), q.objective(), q.gini(), q.experts_with_tasks(), q.eligible_experts());
    };
    out_ << "\nopen orders " << plan.open_orders() << ", open places " << plan.open_places()
         << ", method " << v1::PlanMethod_Name(plan.method()) << "\n"
         << "plan:   " << figures(plan.quality()) << "\n"
         << "greedy: " << figures(plan.greedy()) << "\n";
    if (plan.unfilled_size() > 0) {
      out_ << "\nunfilled:\n";
      std::vector<const pb::Message*> unfilled;
      for (const auto& u : plan.unfilled()) unfilled.push_back(&u);
      PrintTable(unfilled, {"order", "places", "candidates"}, out_);
    }
    if (deadline) {
      out_ << "\noffered " << offered.assignments_size() << ":\n";
      std::vector<const pb::Message*> made;
      for (const auto& a : offered.assignments()) made.push_back(&a);
      PrintTable(made, {"name", "expert", "state", "offer_deadline"}, out_);
    }
    return 0;
  }

  int MatchSettings() {
    auto matching = v1::MatchingService::NewStub(channel_);
    v1::GetMatchingSettingsRequest get;
    get.set_name(absl::StrCat(Parent(), "/matchingSettings"));
    v1::GetMatchingSettingsResponse got;
    grpc::Status status = matching->GetMatchingSettings(Context().get(), get, &got);
    if (!status.ok()) return ReportError(status, err_);
    v1::MatchingSettings settings = got.matching_settings();
    bool changed = false;
    v1::MatchingWeights* w = settings.mutable_weights();
    const std::pair<const char*, void (v1::MatchingWeights::*)(double)> weights[] = {
        {"experience", &v1::MatchingWeights::set_experience},
        {"role", &v1::MatchingWeights::set_role},
        {"travel", &v1::MatchingWeights::set_travel},
        {"fairness", &v1::MatchingWeights::set_fairness},
        {"preferred", &v1::MatchingWeights::set_preferred},
        {"feedback", &v1::MatchingWeights::set_feedback}};
    for (const auto& [flag, set] : weights) {
      if (auto value = TakeFlag(flag)) {
        double d = 0;
        if (!absl::SimpleAtod(*value, &d))
          throw UsageError{absl::StrCat("--", flag, " must be a number")};
        (w->*set)(d);
        changed = true;
      }
    }
    if (auto hours = TakeFlag("rest-after-heavy-hours")) {
      settings.set_rest_after_heavy_hours(IntFlag("rest-after-heavy-hours", *hours));
      changed = true;
    }
    RequireNoMoreFlags();
    if (!changed) return Done(status, got, true);
    if (!c_.etag.empty()) settings.set_etag(c_.etag);
    v1::UpdateMatchingSettingsRequest update;
    *update.mutable_matching_settings() = settings;
    v1::UpdateMatchingSettingsResponse updated;
    status = matching->UpdateMatchingSettings(Context().get(), update, &updated);
    return Done(status, updated, true);
  }

  // report stats|feedback|export|payroll --from DAY --to DAY: figures as a
  // table (or JSON), CSV exports to -o FILE. `--exchange -` is every exchange.
  int Report() {
    fields_ = c_.fields;
    auto reports = v1::ReportService::NewStub(channel_);
    const std::string parent = c_.exchange == "-" ? "exchanges/-" : Parent();
    if (c_.verb == "annual") {
      v1::RenderAnnualReportRequest req;
      req.set_parent(parent);
      const auto year = TakeFlag("year");
      if (!year) throw UsageError{"report annual needs --year"};
      req.set_year(IntFlag("year", *year));
      req.set_language(TakeFlag("language").value_or(""));
      RequireNoMoreFlags();
      v1::RenderAnnualReportResponse resp;
      grpc::Status status = reports->RenderAnnualReport(Context().get(), req, &resp);
      if (!status.ok()) return ReportError(status, err_);
      return WriteDocument(resp.content());
    }
    const auto from = TakeFlag("from");
    const auto to = TakeFlag("to");
    if (!from || !to) throw UsageError{absl::StrCat("report ", c_.verb, " needs --from and --to")};
    auto period = [&](auto* req) {
      req->set_parent(parent);
      SetTimestamp(req->mutable_start_time(), ParseDayOrTime(*from, "from"));
      SetTimestamp(req->mutable_end_time(), ParseDayOrTime(*to, "to"));
    };
    auto groupings = [&]() {
      std::vector<v1::StatisticsGrouping> out;
      if (auto g = TakeFlag("group-by")) {
        for (absl::string_view name : absl::StrSplit(*g, ',', absl::SkipEmpty())) {
          v1::StatisticsGrouping value;
          if (!v1::StatisticsGrouping_Parse(
                  absl::StrCat("STATISTICS_GROUPING_", absl::AsciiStrToUpper(name)), &value)) {
            throw UsageError{absl::StrCat("--group-by: unknown grouping ", name)};
          }
          out.push_back(value);
        }
      }
      return out;
    };
    if (c_.verb == "stats") {
      v1::GetStatisticsRequest req;
      period(&req);
      for (auto g : groupings()) req.add_group_by(g);
      RequireNoMoreFlags();
      v1::GetStatisticsResponse resp;
      grpc::Status status = reports->GetStatistics(Context().get(), req, &resp);
      if (!status.ok()) return ReportError(status, err_);
      if (c_.output == "json") {
        PrintJson(resp, out_);
        return 0;
      }
      PrintStatistics(req, resp);
      return 0;
    }
    if (c_.verb == "feedback") {
      v1::GetFeedbackSummaryRequest req;
      period(&req);
      auto g = groupings();
      if (g.size() > 1) throw UsageError{"--group-by: one of role, month, year"};
      if (!g.empty()) req.set_group_by(g[0]);
      RequireNoMoreFlags();
      v1::GetFeedbackSummaryResponse resp;
      grpc::Status status = reports->GetFeedbackSummary(Context().get(), req, &resp);
      if (!status.ok()) return ReportError(status, err_);
      if (c_.output == "json") {
        PrintJson(resp, out_);
        return 0;
      }
      for (const auto& group : resp.groups()) {
        if (!group.key().empty()) out_ << group.key() << ":\n";
        if (group.suppressed()) {
          out_ << "  (fewer than 5 experts: not shown)\n";
          continue;
        }
        for (const auto& q : group.questions()) {
          out_ << "  " << q.question() << " (n=" << q.answers();
          if (q.mean() > 0) out_ << absl::StrFormat(", mean %.2f", q.mean());
          out_ << "):";
          for (const auto& o : q.options()) {
            out_ << absl::StrFormat("  %s: %d (%.1f %%)", o.option(), o.n(), o.percent());
          }
          out_ << "\n";
        }
      }
      return 0;
    }
    if (c_.verb == "export" || c_.verb == "payroll") {
      RequireNoMoreFlags();
      std::string csv;
      grpc::Status status;
      auto ctx = Context();
      if (c_.verb == "export") {
        v1::ExportAssignmentsRequest req;
        period(&req);
        auto reader = reports->ExportAssignments(ctx.get(), req);
        v1::ExportAssignmentsResponse chunk;
        while (reader->Read(&chunk)) csv += chunk.csv();
        status = reader->Finish();
      } else {
        v1::ExportPayrollRequest req;
        period(&req);
        auto reader = reports->ExportPayroll(ctx.get(), req);
        v1::ExportPayrollResponse chunk;
        while (reader->Read(&chunk)) csv += chunk.csv();
        status = reader->Finish();
      }
      if (!status.ok()) return ReportError(status, err_);
      return WriteDocument(csv);
    }
    throw UsageError{"report verbs: stats, feedback, export, payroll, annual"};
  }

  void PrintStatistics(const v1::GetStatisticsRequest& req, const v1::GetStatisticsResponse& resp) {
    std::vector<std::vector<std::string>> cells;
    std::vector<std::string> header;
    for (int g : req.group_by()) {
      const std::string full = v1::StatisticsGrouping_Name(static_cast<v1::StatisticsGrouping>(g));
      absl::string_view name = full;
      absl::ConsumePrefix(&name, "STATISTICS_GROUPING_");
      header.emplace_back(name);
    }
    for (const char* h :
         {"TASKS", "HOURS", "FEES_EUR", "TRAVEL_EUR", "CANCELLED_O/E/X", "EXPERTS",
          "ORGANIZATIONS"}) {
      header.push_back(h);
    }
    cells.push_back(header);
    auto row = [&](const v1::StatisticsRow& r, bool total) {
      std::vector<std::string> line;
      for (int i = 0; i < req.group_by_size(); ++i) {
        line.push_back(total ? (i == 0 ? "TOTAL" : "") : (i < r.key_size() ? r.key(i) : ""));
      }
      if (r.suppressed()) {
        line.push_back("(fewer than 5 experts: not shown)");
      } else {
        const auto& f = r.figures();
        line.push_back(absl::StrCat(f.tasks()));
        line.push_back(absl::StrFormat("%.1f", f.hours()));
        line.push_back(absl::StrFormat("%.2f", f.fees_cents() / 100.0));
        line.push_back(absl::StrFormat("%.2f", f.travel_cents() / 100.0));
        line.push_back(absl::StrCat(
            f.cancelled_by_orderer(), "/", f.cancelled_by_expert(), "/",
            f.cancelled_by_exchange()));
        line.push_back(absl::StrCat(f.experts_worked()));
        line.push_back(absl::StrCat(f.organizations()));
      }
      cells.push_back(line);
    };
    for (const auto& r : resp.rows()) row(r, false);
    if (req.group_by_size() > 0 || resp.rows_size() == 0) row(resp.total(), true);
    std::vector<size_t> widths;
    for (const auto& line : cells) {
      for (size_t i = 0; i < line.size(); ++i) {
        if (widths.size() <= i) widths.push_back(0);
        widths[i] = std::max(widths[i], line[i].size());
      }
    }
    for (const auto& line : cells) {
      std::string text;
      for (size_t i = 0; i < line.size(); ++i) {
        absl::StrAppend(&text, line[i]);
        if (i + 1 < line.size()) text.append(widths[i] - line[i].size() + 2, ' ');
      }
      out_ << text << "\n";
    }
    out_ << absl::StrFormat(
        "\nactive trained experts %d, with a task %d (%.1f %%), Gini of tasks %.3f\n",
        resp.active_trained_experts(), resp.active_trained_with_task(),
        100 * resp.share_with_task(), resp.gini());
    if (resp.suppression_threshold() > 0) {
      out_ << "rows with fewer than " << resp.suppression_threshold()
           << " experts are not shown: " << resp.suppressed_rows() << "\n";
    }
  }

  static int IntFlag(absl::string_view flag, const std::string& value) {
    int n = 0;
    if (!absl::SimpleAtoi(value, &n))
      throw UsageError{absl::StrCat("--", flag, " must be a whole number")};
    return n;
  }

  static bool BoolFlag(absl::string_view flag, const std::string& value) {
    if (value == "true") return true;
    if (value == "false") return false;
    throw UsageError{absl::StrCat("--", flag, " must be true or false")};
  }

  // A day (midnight in Helsinki) or an RFC 3339 time.
  static absl::Time ParseDayOrTime(const std::string& text, absl::string_view flag) {
    absl::CivilDay day;
    if (text.size() == 10 && absl::ParseCivilTime(text, &day)) {
      return absl::FromCivil(day, reference::HelsinkiTimeZone());
    }
    return ParseTimestamp(text, flag);
  }

  int CancelOrder() {
    fields_ = c_.fields;
    v1::CancelOrderRequest req;
    req.set_name(OrderName());
    req.set_etag(c_.etag);
    SetFields(fields_, &req);
    return Call(&v1::OrderService::Stub::CancelOrder, req);
  }

  int Assignment() {
    using O = v1::OrderService::Stub;
    fields_ = c_.fields;
    if (c_.verb == "offer") {
      v1::OfferAssignmentRequest req;
      req.set_parent(OrderName());
      req.set_request_id(c_.request_id);
      if (auto id = TakeFlag("id")) req.set_assignment_id(*id);
      SetFields(fields_, req.mutable_assignment());
      ExpandReferences(*req.mutable_assignment());
      return Call(&O::OfferAssignment, req);
    }
    if (c_.verb == "list") {
      RequireNoMoreFlags();
      const std::string parent = c_.id.empty() ? absl::StrCat(Parent(), "/orders/-") : OrderName();
      return List(
          &O::ListAssignments, parent, "assignments",
          {"name", "expert", "state", "fee_cents", "travel_cents", "total_cents"});
    }
    const std::string name = AssignmentName();
    if (c_.verb == "get") {
      RequireNoMoreFlags();
      v1::GetAssignmentRequest req;
      req.set_name(name);
      return Call(&O::GetAssignment, req);
    }
    if (c_.verb == "accept" || c_.verb == "decline" || c_.verb == "confirm") {
      RequireNoMoreFlags();
      if (c_.verb == "accept") return Transition(&O::AcceptAssignment, name);
      if (c_.verb == "decline") return Transition(&O::DeclineAssignment, name);
      return Transition(&O::ConfirmAssignment, name);
    }
    if (c_.verb == "complete") {
      v1::CompleteAssignmentRequest req;
      req.set_name(name);
      req.set_etag(c_.etag);
      SetFields(fields_, &req);
      return Call(&O::CompleteAssignment, req);
    }
    if (c_.verb == "cancel") {
      v1::CancelAssignmentRequest req;
      req.set_name(name);
      req.set_etag(c_.etag);
      SetFields(fields_, &req);
      return Call(&O::CancelAssignment, req);
    }
    throw UsageError{absl::StrCat("unknown verb ", c_.verb, " for assignment")};
  }

  template <typename Req, typename Resp>
  int Transition(
      grpc::Status (v1::OrderService::Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
      const std::string& name) {
    Req req;
    req.set_name(name);
    req.set_etag(c_.etag);
    return Call(rpc, req);
  }

  int Feedback() {
    fields_ = c_.fields;
    if (c_.verb != "submit") throw UsageError{"feedback has one verb: submit"};
    v1::SubmitFeedbackRequest req;
    req.set_parent(AssignmentName());
    SetFields(fields_, req.mutable_feedback());
    return Call(&v1::OrderService::Stub::SubmitFeedback, req);
  }

  // `fees show`; `fees set` replaces the lists given (--role-rules,
  // --travel-rates, --cancellation-rules) and keeps the others.
  int Fees() {
    using O = v1::OrderService::Stub;
    fields_ = c_.fields;
    const std::string name = absl::StrCat(Parent(), "/feeSchedule");
    if (c_.verb == "show") {
      RequireNoMoreFlags();
      v1::GetFeeScheduleRequest req;
      req.set_name(name);
      return Call(&O::GetFeeSchedule, req);
    }
    if (c_.verb != "set") throw UsageError{"fees verbs: show, set"};
    if (fields_.empty())
      throw UsageError{"fees set needs --role-rules, --travel-rates or --cancellation-rules"};
    v1::GetFeeScheduleRequest get;
    get.set_name(name);
    v1::GetFeeScheduleResponse current;
    grpc::Status status = orders_->GetFeeSchedule(Context().get(), get, &current);
    if (!status.ok()) return ReportError(status, err_);
    v1::UpdateFeeScheduleRequest req;
    *req.mutable_fee_schedule() = current.fee_schedule();
    if (!c_.etag.empty()) req.mutable_fee_schedule()->set_etag(c_.etag);
    v1::FeeSchedule given;
    for (const auto& field : SetFields(fields_, &given)) {
      const pb::FieldDescriptor* f = given.GetDescriptor()->FindFieldByName(field);
      req.mutable_fee_schedule()->GetReflection()->ClearField(req.mutable_fee_schedule(), f);
    }
    req.mutable_fee_schedule()->MergeFrom(given);
    return Call(&O::UpdateFeeSchedule, req);
  }

  template <typename Stub, typename... T>
  int RunNoun(const Noun<Stub, T...>& noun) {
    using Types = std::tuple<T...>;
    if (c_.verb == "create") {
      std::tuple_element_t<0, Types> req;
      if (noun.scoped) SetString(req, "parent", Parent());
      SetString(req, absl::StrCat(noun.singular, "_id"), RequireId());
      req.set_request_id(c_.request_id);
      SetFields(c_.fields, MutableField(req, noun.singular));
      ExpandReferences(*MutableField(req, noun.singular));
      return Call(noun.create, req);
    }
    if (c_.verb == "get") {
      RequireNoFields();
      std::tuple_element_t<2, Types> req;
      req.set_name(Name(noun));
      return Call(noun.get, req);
    }
    if (c_.verb == "list") {
      RequireNoFields();
      return List(
          noun.list, noun.scoped ? Parent() : "", std::string(noun.collection), noun.columns);
    }
    if (c_.verb == "update") {
      std::tuple_element_t<6, Types> req;
      pb::Message* resource = MutableField(req, noun.singular);
      SetString(*resource, "name", Name(noun));
      SetString(*resource, "etag", c_.etag);
      if (c_.fields.empty()) throw UsageError{"update needs at least one --FIELD VALUE"};
      for (const auto& p : SetFields(c_.fields, resource)) req.mutable_update_mask()->add_paths(p);
      ExpandReferences(*resource);
      return Call(noun.update, req);
    }
    if (c_.verb == "delete" && noun.remove != nullptr) {
      RequireNoFields();
      std::tuple_element_t<8, Types> req;
      req.set_name(Name(noun));
      req.set_etag(c_.etag);
      const int code = Call(noun.remove, req);
      if (code == 0 && c_.output == "table") out_ << "deleted " << req.name() << "\n";
      return code;
    }
    throw UsageError{absl::StrCat("unknown verb ", c_.verb, " for ", noun.singular)};
  }

  // Lists one page, or every page with --all, as a table or as JSON.
  template <typename Stub, typename Req, typename Resp>
  int List(
      grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), const std::string& parent,
      const std::string& repeated_field, const std::vector<std::string>& columns) {
    Resp all;
    std::string token;
    do {
      Req req;
      if (!parent.empty()) SetString(req, "parent", parent);
      req.set_page_size(c_.page_size);
      req.set_page_token(token);
      if (req.GetDescriptor()->FindFieldByName("filter") != nullptr) {
        SetString(req, "filter", c_.filter);
      } else if (!c_.filter.empty()) {
        throw UsageError{absl::StrCat(c_.noun, " list takes no --filter")};
      }
      Resp page;
      grpc::Status status = (Of<Stub>().*rpc)(Context().get(), req, &page);
      if (!status.ok()) return ReportError(status, err_);
      token = page.next_page_token();
      page.clear_next_page_token();
      all.MergeFrom(page);
      if (!c_.all_pages) all.set_next_page_token(token);
    } while (c_.all_pages && !token.empty());
    if (c_.output == "json") {
      PrintJson(all, out_);
      return 0;
    }
    const pb::FieldDescriptor* f = all.GetDescriptor()->FindFieldByName(repeated_field);
    std::vector<const pb::Message*> rows;
    for (int i = 0; i < all.GetReflection()->FieldSize(all, f); ++i) {
      rows.push_back(&all.GetReflection()->GetRepeatedMessage(all, f, i));
    }
    PrintTable(rows, columns, out_);
    if (!all.next_page_token().empty()) {
      err_ << "(more results: add --all to list every page)\n";
    }
    return 0;
  }

  const Command& c_;
  std::vector<std::pair<std::string, std::string>> fields_;  // flags still to use
  std::ostream& out_;
  std::ostream& err_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::ContractService::Stub> contracts_;
};

}  // namespace

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    Command command = Parse(args);
    return Client(command, out, err).Run();
  } catch (const UsageError& e) {
    if (e.message.empty()) {
      out << kUsage;
      return 0;
    }
    err << "kokemusctl: " << e.message << "\n" << kUsage;
    return kExitUsage;
  }
}

}  // namespace kokemus::cli

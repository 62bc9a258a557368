#include "clients/kokemusctl/proto_flags.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/api/field_behavior.pb.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "kokemus/v1/expert.pb.h"
#include "kokemus/v1/fee_schedule.pb.h"
#include "services/reference/reference_data.h"

namespace kokemus::cli {

namespace pb = google::protobuf;

void SetTimestamp(pb::Message* msg, absl::Time t) {
  auto* ts = static_cast<pb::Timestamp*>(msg);
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

namespace {

// The short names of an enum's values ("lecturer", "co_teacher"), without
// the UNSPECIFIED one.
std::vector<std::string> EnumShortNames(const pb::EnumDescriptor* type) {
  absl::string_view prefix = type->value(0)->name();
  absl::ConsumeSuffix(&prefix, "UNSPECIFIED");
  std::vector<std::string> names;
  for (int i = 1; i < type->value_count(); ++i) {
    names.push_back(absl::AsciiStrToLower(type->value(i)->name().substr(prefix.size())));
  }
  return names;
}

}  // namespace

int ParseEnumValue(const pb::EnumDescriptor* type, absl::string_view text, absl::string_view flag) {
  const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  absl::string_view prefix = type->value(0)->name();
  absl::ConsumeSuffix(&prefix, "UNSPECIFIED");
  if (const auto* v = type->FindValueByName(absl::StrCat(prefix, upper)); v && v->number() != 0) {
    return v->number();
  }
  if (const auto* v = type->FindValueByName(upper); v && v->number() != 0) return v->number();
  const std::vector<std::string> names = EnumShortNames(type);
  throw UsageError{absl::StrCat(
      "--", flag, ": one of ", absl::StrJoin(names, ", "),
      DidYouMean(absl::AsciiStrToLower(absl::StripAsciiWhitespace(text)), names))};
}

namespace {

std::string FieldName(absl::string_view flag) { return absl::StrReplaceAll(flag, {{"-", "_"}}); }

bool IsOutputOnly(const pb::FieldDescriptor* f) {
  const auto& behaviors = f->options().GetRepeatedExtension(google::api::field_behavior);
  return f->name() == "name" || f->name() == "etag" || f->name() == "create_time" ||
         f->name() == "update_time" ||
         std::find(behaviors.begin(), behaviors.end(), google::api::OUTPUT_ONLY) != behaviors.end();
}

// The value a field takes on the command line, and a word on its form.
FlagHelp ValueHelp(const pb::FieldDescriptor* f, const std::string& flag) {
  const bool list = f->is_repeated();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      if (absl::StrContains(f->name(), "municipalit")) {
        return {flag, list ? "CODE|NAME,..." : "CODE|NAME", "a municipality: 398 or Lahti"};
      }
      return {flag, list ? "TEXT,..." : "TEXT", ""};
    case pb::FieldDescriptor::CPPTYPE_INT32:
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return {flag, absl::StrContains(f->name(), "cents") ? "CENTS" : "N", ""};
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return {flag, "true|false", ""};
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const std::string values = absl::StrJoin(EnumShortNames(f->enum_type()), "|");
      if (values.size() <= 40) return {flag, list ? values + ",..." : values, ""};
      return {flag, list ? "VALUE,..." : "VALUE", values};
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      const std::string type = f->message_type()->full_name();
      const std::string again = list ? " (the flag again for each)" : "";
      if (type == "google.protobuf.Timestamp") {
        return {flag, "TIME", "Helsinki time: 2026-12-01T09:00 or \"1.12.2026 klo 9.00\""};
      }
      if (type == "kokemus.v1.WeeklyWindow")
        return {flag, "\"DAY HH:MM-HH:MM\"", "mon 08:00-16:00" + again};
      if (type == "kokemus.v1.UnavailablePeriod") return {flag, "START/END", "two times" + again};
      std::vector<std::string> parts;
      for (int i = 0; i < f->message_type()->field_count(); ++i) {
        parts.push_back(absl::AsciiStrToUpper(f->message_type()->field(i)->name()));
      }
      const std::string joined = absl::StrJoin(parts, "|");
      if (joined.size() > 72) return {flag, "\"PARTS\"", absl::StrCat(joined, again)};
      return {flag, absl::StrCat("\"", joined, "\""), "parts separated by |" + again};
    }
    default:
      return {flag, "VALUE", ""};
  }
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
  } else if (type == "kokemus.v1.NoticeTier") {
    // DAYS:PERCENT, "2:100": 100 % when cancelled under 2 days before.
    std::pair<std::string, std::string> dp = absl::StrSplit(text, ':');
    auto* t = static_cast<v1::NoticeTier*>(msg);
    int32_t days = 0, percent = 0;
    if (!absl::SimpleAtoi(dp.first, &days) || !absl::SimpleAtoi(dp.second, &percent)) {
      throw UsageError{absl::StrCat("--", flag, ": notice steps are DAYS:PERCENT, such as 2:100")};
    }
    t->set_notice_days(days);
    t->set_percent(percent);
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
      const pb::FieldDescriptor* f = d->field(static_cast<int>(i));
      // A list inside: its entries joined by '+' ("2:100+30:25").
      if (f->is_repeated()) {
        for (absl::string_view each : absl::StrSplit(parts[i], '+', absl::SkipEmpty())) {
          SetScalar(msg, f, each, flag);
        }
      } else if (!parts[i].empty()) {
        SetScalar(msg, f, parts[i], flag);
      }
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

}  // namespace

std::vector<std::string> SetFields(const Flags& flags, pb::Message* resource) {
  std::vector<std::string> top_level;
  for (const auto& [flag, value] : flags) {
    std::vector<std::string> path = absl::StrSplit(FieldName(flag), '.');
    pb::Message* msg = resource;
    const pb::FieldDescriptor* f = nullptr;
    for (size_t i = 0; i < path.size(); ++i) {
      f = msg->GetDescriptor()->FindFieldByName(path[i]);
      if (f == nullptr || (i == 0 && IsOutputOnly(f))) {
        std::vector<std::string> known;
        for (const FlagHelp& h : FieldFlags(resource->GetDescriptor())) known.push_back(h.flag);
        throw UsageError{absl::StrCat(
            "unknown option --", flag, " for ", resource->GetDescriptor()->name(),
            DidYouMean(absl::StrCat("--", flag), known))};
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
    // A nested field by its own path ("pay_rule.days_after"): an update
    // changes it alone, not the whole message it is in.
    const std::string mask_path = absl::StrJoin(path, ".");
    if (std::find(top_level.begin(), top_level.end(), mask_path) == top_level.end()) {
      top_level.push_back(mask_path);
    }
  }
  return top_level;
}

std::vector<FlagHelp> FieldFlags(const pb::Descriptor* message) {
  std::vector<FlagHelp> flags;
  for (int i = 0; i < message->field_count(); ++i) {
    const pb::FieldDescriptor* f = message->field(i);
    if (IsOutputOnly(f) || f->name() == "request_id" || f->name() == "update_mask") continue;
    const std::string flag = absl::StrCat("--", absl::StrReplaceAll(f->name(), {{"_", "-"}}));
    const pb::Descriptor* inner = f->message_type();
    if (inner != nullptr && !f->is_repeated() &&
        inner->full_name() != "google.protobuf.Timestamp" &&
        !absl::StartsWith(inner->full_name(), "google.protobuf.")) {
      for (int j = 0; j < inner->field_count(); ++j) {
        flags.push_back(ValueHelp(
            inner->field(j),
            absl::StrCat(flag, ".", absl::StrReplaceAll(inner->field(j)->name(), {{"_", "-"}}))));
      }
      continue;
    }
    flags.push_back(ValueHelp(f, flag));
  }
  return flags;
}

pb::Message* MutableField(pb::Message& msg, absl::string_view name) {
  const pb::FieldDescriptor* f = msg.GetDescriptor()->FindFieldByName(std::string(name));
  return msg.GetReflection()->MutableMessage(&msg, f);
}

void SetString(pb::Message& msg, absl::string_view name, const std::string& value) {
  const pb::FieldDescriptor* f = msg.GetDescriptor()->FindFieldByName(std::string(name));
  msg.GetReflection()->SetString(&msg, f, value);
}

}  // namespace kokemus::cli

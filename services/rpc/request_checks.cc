#include "services/rpc/request_checks.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"
#include "services/domain/validation.h"

namespace kokemus::rpc {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

constexpr int32_t kMaxNanos = 999999999;

// Nesting in the API is a few levels; a hostile message can't be deeper than
// gRPC's parser allows (100), and this stops well before.
constexpr int kMaxDepth = 32;

// The range google/protobuf/timestamp.proto defines (protobuf's own bounds).
void CheckTimestamp(
    const Timestamp& t, const std::string& path, domain::FieldViolations& violations) {
  if (t.seconds() < TimeUtil::kTimestampMinSeconds ||
      t.seconds() > TimeUtil::kTimestampMaxSeconds) {
    violations.Add(path, "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
  } else if (t.nanos() < 0 || t.nanos() > kMaxNanos) {
    violations.Add(path, "nanos must be 0 to 999999999");
  }
}

void CheckEnum(
    const FieldDescriptor& field, int number, const std::string& path,
    domain::FieldViolations& violations) {
  if (field.enum_type()->FindValueByNumber(number) == nullptr) {
    violations.Add(path, "unknown enum value");
  }
}

void CheckMessage(
    const Message& m, const std::string& prefix, int depth, domain::FieldViolations& violations) {
  if (depth > kMaxDepth) return;
  // Requests are generated classes, so a Timestamp field holds a Timestamp.
  if (const auto* t = dynamic_cast<const Timestamp*>(&m)) {
    CheckTimestamp(*t, prefix, violations);
    return;
  }
  const Reflection* reflection = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);  // only the fields that are set
  for (const FieldDescriptor* field : fields) {
    const std::string path =
        prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    const bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    const bool is_enum = field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM;
    if (!is_message && !is_enum) continue;
    if (field->is_repeated()) {
      const int n = reflection->FieldSize(m, field);
      for (int i = 0; i < n; ++i) {
        const std::string item = absl::StrCat(path, "[", i, "]");
        if (is_message) {
          CheckMessage(reflection->GetRepeatedMessage(m, field, i), item, depth + 1, violations);
        } else {
          CheckEnum(*field, reflection->GetRepeatedEnumValue(m, field, i), item, violations);
        }
      }
    } else if (is_message) {
      CheckMessage(reflection->GetMessage(m, field), path, depth + 1, violations);
    } else {
      CheckEnum(*field, reflection->GetEnumValue(m, field), path, violations);
    }
  }
}

}  // namespace

absl::Status CheckRequestFields(const Message& request) {
  domain::FieldViolations violations;
  CheckMessage(request, "", 0, violations);
  if (violations.empty()) return absl::OkStatus();
  return violations.ToStatus();
}

domain::UpdateMask MaskOf(
    const google::protobuf::FieldMask& mask, const Message& resource,
    const std::set<std::string>& nested) {
  domain::UpdateMask out;
  out.paths.assign(mask.paths().begin(), mask.paths().end());
  if (!out.paths.empty()) return out;
  std::vector<const FieldDescriptor*> fields;
  resource.GetReflection()->ListFields(resource, &fields);
  for (const FieldDescriptor* field : fields) {
    if (nested.count(field->name()) > 0 && field->message_type() != nullptr &&
        !field->is_repeated()) {
      const Message& inner = resource.GetReflection()->GetMessage(resource, field);
      std::vector<const FieldDescriptor*> inner_fields;
      inner.GetReflection()->ListFields(inner, &inner_fields);
      for (const FieldDescriptor* f : inner_fields) {
        out.set_fields.push_back(absl::StrCat(field->name(), ".", f->name()));
      }
    } else {
      out.set_fields.push_back(field->name());
    }
  }
  return out;
}

}  // namespace kokemus::rpc

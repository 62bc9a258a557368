// Requests from flags, through protobuf reflection: `--home-municipality
// Lahti --roles lecturer,co_teacher` sets the API fields of the same names.
#ifndef KOKEMUS_CLIENTS_KOKEMUSCTL_PROTO_FLAGS_H_
#define KOKEMUS_CLIENTS_KOKEMUSCTL_PROTO_FLAGS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clients/kokemusctl/command_line.h"
#include "clients/kokemusctl/help.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace kokemus::cli {

// Sets the flags' fields on `resource` (a dotted flag reaches a nested field;
// lists take comma-separated values; enums their short names; municipalities a
// code or a name). Returns the paths of the fields set ("display_name",
// "pay_rule.days_after"), for an update mask.
// Throws UsageError naming the flag.
std::vector<std::string> SetFields(const Flags& flags, google::protobuf::Message* resource);

// The --FIELD flags a message takes, for help and "did you mean": each
// settable field (a nested message's fields as --outer.inner) with the form
// of its value: enum values, lists, municipalities, times, '|'-separated
// parts.
std::vector<FlagHelp> FieldFlags(const google::protobuf::Descriptor* message);

// Enum value by its short name ("lecturer") or full name ("ROLE_LECTURER").
int ParseEnumValue(
    const google::protobuf::EnumDescriptor* type, absl::string_view text, absl::string_view flag);

void SetTimestamp(google::protobuf::Message* timestamp, absl::Time t);

// A field by name, for the few request fields set generically (parent, the
// resource, its id).
google::protobuf::Message* MutableField(google::protobuf::Message& msg, absl::string_view name);
void SetString(google::protobuf::Message& msg, absl::string_view name, const std::string& value);

}  // namespace kokemus::cli

#endif  // KOKEMUS_CLIENTS_KOKEMUSCTL_PROTO_FLAGS_H_

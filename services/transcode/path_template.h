// The URL templates of googleapis' HTTP rules (google/api/http.proto), parsed
// once and matched against request paths:
//
//   Template = "/" Segments [ ":" Verb ]
//   Segment  = "*" | "**" | LITERAL | "{" FieldPath [ "=" Segments ] "}"
//
//   auto t = PathTemplate::Parse("/v1/{name=exchanges/*/experts/*}");
//   auto values = t->Match("/v1/exchanges/ph/experts/kaisa");
//   // (*values)[0] == "exchanges/ph/experts/kaisa", bound to t->variables()[0]
#ifndef KOKEMUS_SERVICES_TRANSCODE_PATH_TEMPLATE_H_
#define KOKEMUS_SERVICES_TRANSCODE_PATH_TEMPLATE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kokemus::transcode {

class PathTemplate final {
 public:
  struct Segment {
    enum class Kind { kLiteral, kOne, kRest };  // "abc", "*", "**"
    Kind kind = Kind::kLiteral;
    std::string literal;
  };
  // A request field set from the segments [begin, end).
  struct Variable {
    std::vector<std::string> field_path;  // "expert.name" -> {"expert", "name"}
    size_t begin = 0;
    size_t end = 0;
  };

  // INVALID_ARGUMENT naming the position of the first error.
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // The variables' values, percent-decoded, in the order of variables(); or
  // nullopt when `path` (without its query) does not fit the template. A
  // template without a verb never takes a path whose last segment has a ":"
  // (that is a custom method's address).
  std::optional<std::vector<std::string>> Match(absl::string_view path) const;

  // The template as an OpenAPI path: each "*" becomes a parameter named after
  // the collection before it ("exchanges/*" -> "{exchange}",
  // "apiKeys/*" -> "{api_key}"); the names go to `parameters` in order.
  //   "/v1/{name=exchanges/*/experts/*}:erase"
  //   -> "/v1/exchanges/{exchange}/experts/{expert}:erase"
  std::string OpenApiPath(std::vector<std::string>* parameters) const;

  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Variable>& variables() const { return variables_; }
  const std::string& verb() const { return verb_; }

 private:
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

// "%2Fa+b" -> "/a+b"; nullopt for a malformed escape.
std::optional<std::string> PercentDecode(absl::string_view text);

}  // namespace kokemus::transcode

#endif  // KOKEMUS_SERVICES_TRANSCODE_PATH_TEMPLATE_H_

#include "services/transcode/path_template.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace kokemus::transcode {
namespace {

bool IsLiteralChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '~';
}

bool IsIdentifierChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// A recursive-descent reader of one template.
class Reader final {
 public:
  explicit Reader(absl::string_view text) : text_(text) {}

  absl::Status Read(
      std::vector<PathTemplate::Segment>& segments, std::vector<PathTemplate::Variable>& variables,
      std::string& verb) {
    segments_ = &segments;
    variables_ = &variables;
    if (!Consume('/')) return Error("a template starts with \"/\"");
    if (absl::Status s = Segments(false); !s.ok()) return s;
    if (Consume(':')) {
      const size_t start = at_;
      while (at_ < text_.size() && IsLiteralChar(text_[at_])) ++at_;
      if (at_ == start) return Error("a verb after \":\"");
      verb = std::string(text_.substr(start, at_ - start));
    }
    if (at_ != text_.size()) return Error("the end of the template");
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
      if (segments[i].kind == PathTemplate::Segment::Kind::kRest) {
        return absl::InvalidArgumentError(
            absl::StrCat("template \"", text_, "\": \"**\" must be the last segment"));
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Segments(bool in_variable) {
    do {
      if (absl::Status s = Segment(in_variable); !s.ok()) return s;
    } while (Consume('/'));
    return absl::OkStatus();
  }

  absl::Status Segment(bool in_variable) {
    using Kind = PathTemplate::Segment::Kind;
    if (Consume('{')) {
      if (in_variable) return Error("no variable inside a variable");
      const size_t start = at_;
      while (at_ < text_.size() && (IsIdentifierChar(text_[at_]) || text_[at_] == '.')) ++at_;
      if (at_ == start) return Error("a field path after \"{\"");
      PathTemplate::Variable variable;
      variable.field_path = absl::StrSplit(text_.substr(start, at_ - start), '.');
      for (const std::string& part : variable.field_path) {
        if (part.empty()) return Error("a field path without empty parts");
      }
      variable.begin = segments_->size();
      if (Consume('=')) {
        if (absl::Status s = Segments(true); !s.ok()) return s;
      } else {
        segments_->push_back({Kind::kOne, ""});
      }
      if (!Consume('}')) return Error("\"}\"");
      variable.end = segments_->size();
      variables_->push_back(std::move(variable));
      return absl::OkStatus();
    }
    if (absl::StartsWith(text_.substr(at_), "**")) {
      at_ += 2;
      segments_->push_back({Kind::kRest, ""});
      return absl::OkStatus();
    }
    if (Consume('*')) {
      segments_->push_back({Kind::kOne, ""});
      return absl::OkStatus();
    }
    const size_t start = at_;
    while (at_ < text_.size() && IsLiteralChar(text_[at_])) ++at_;
    if (at_ == start) return Error("a segment: a literal, \"*\", \"**\" or a variable");
    segments_->push_back({Kind::kLiteral, std::string(text_.substr(start, at_ - start))});
    return absl::OkStatus();
  }

  bool Consume(char c) {
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }

  absl::Status Error(absl::string_view expected) const {
    return absl::InvalidArgumentError(
        absl::StrCat("template \"", text_, "\": expected ", expected, " at position ", at_));
  }

  absl::string_view text_;
  size_t at_ = 0;
  std::vector<PathTemplate::Segment>* segments_ = nullptr;
  std::vector<PathTemplate::Variable>* variables_ = nullptr;
};

// "contractTemplates" -> "contract_template".
std::string ParameterName(absl::string_view collection) {
  if (absl::EndsWith(collection, "s")) collection.remove_suffix(1);
  std::string name;
  for (char c : collection) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
      name.push_back('_');
      name.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else {
      name.push_back(c == '-' || c == '.' ? '_' : c);
    }
  }
  return name;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> PercentDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate parsed;
  Reader reader(text);
  if (absl::Status s = reader.Read(parsed.segments_, parsed.variables_, parsed.verb_); !s.ok()) {
    return s;
  }
  return parsed;
}

std::optional<std::vector<std::string>> PathTemplate::Match(absl::string_view path) const {
  if (!absl::ConsumePrefix(&path, "/")) return std::nullopt;
  const size_t last_slash = path.rfind('/');
  const absl::string_view last =
      last_slash == absl::string_view::npos ? path : path.substr(last_slash + 1);
  if (verb_.empty()) {
    if (last.find(':') != absl::string_view::npos) return std::nullopt;
  } else if (!absl::ConsumeSuffix(&path, absl::StrCat(":", verb_))) {
    return std::nullopt;
  }
  // Most routes differ in their number of segments: tell before splitting.
  if (segments_.empty() || segments_.back().kind != Segment::Kind::kRest) {
    if (static_cast<size_t>(std::count(path.begin(), path.end(), '/')) + 1 != segments_.size()) {
      return std::nullopt;
    }
  }
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  // Where each template segment's text starts and ends in `parts`.
  std::vector<std::pair<size_t, size_t>> spans(segments_.size());
  size_t at = 0;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& segment = segments_[i];
    if (segment.kind == Segment::Kind::kRest) {
      spans[i] = {at, parts.size()};
      at = parts.size();
      continue;
    }
    if (at >= parts.size() || parts[at].empty()) return std::nullopt;
    if (segment.kind == Segment::Kind::kLiteral && parts[at] != segment.literal) {
      return std::nullopt;
    }
    spans[i] = {at, at + 1};
    ++at;
  }
  if (at != parts.size()) return std::nullopt;
  std::vector<std::string> values;
  values.reserve(variables_.size());
  for (const Variable& variable : variables_) {
    std::vector<std::string> decoded;
    const size_t from = spans[variable.begin].first;
    const size_t to = variable.end > variable.begin ? spans[variable.end - 1].second : from;
    for (size_t p = from; p < to; ++p) {
      std::optional<std::string> part = PercentDecode(parts[p]);
      if (!part.has_value()) return std::nullopt;
      decoded.push_back(*std::move(part));
    }
    values.push_back(absl::StrJoin(decoded, "/"));
  }
  return values;
}

std::string PathTemplate::OpenApiPath(std::vector<std::string>* parameters) const {
  std::string path;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& segment = segments_[i];
    path.push_back('/');
    if (segment.kind == Segment::Kind::kLiteral) {
      path += segment.literal;
      continue;
    }
    std::string name;
    if (i > 0 && segments_[i - 1].kind == Segment::Kind::kLiteral) {
      name = ParameterName(segments_[i - 1].literal);
    } else {
      for (const Variable& variable : variables_) {
        if (i >= variable.begin && i < variable.end) name = absl::StrJoin(variable.field_path, "_");
      }
      if (name.empty()) name = absl::StrCat("segment", i);
    }
    parameters->push_back(name);
    absl::StrAppend(&path, "{", name, "}");
  }
  if (!verb_.empty()) absl::StrAppend(&path, ":", verb_);
  return path;
}

}  // namespace kokemus::transcode

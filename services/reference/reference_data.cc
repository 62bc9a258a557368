#include "services/reference/reference_data.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace kokemus {
// Defined in the file that cmake/Embed.cmake generates.
const std::vector<std::pair<absl::string_view, absl::string_view>>& EmbeddedReferenceData();
}  // namespace kokemus

namespace kokemus::reference {
namespace {

absl::string_view FindEmbedded(absl::string_view name) {
  for (const auto& [file, contents] : EmbeddedReferenceData()) {
    if (file == name) return contents;
  }
  std::abort();  // a build without the data file is broken, not recoverable
}

// Rows of a header-first CSV without quoted fields (the shipped files have none).
std::vector<std::vector<absl::string_view>> Rows(absl::string_view csv) {
  std::vector<std::vector<absl::string_view>> rows;
  bool header = true;
  for (absl::string_view line : absl::StrSplit(csv, '\n', absl::SkipWhitespace())) {
    if (header) {
      header = false;
      continue;
    }
    rows.push_back(absl::StrSplit(absl::StripTrailingAsciiWhitespace(line), ','));
  }
  return rows;
}

}  // namespace

std::string FoldCase(absl::string_view text) {
  std::string out = absl::AsciiStrToLower(text);
  return absl::StrReplaceAll(out, {{"Å", "å"}, {"Ä", "ä"}, {"Ö", "ö"}});
}

const ReferenceData& ReferenceData::Get() {
  static const ReferenceData* data = new ReferenceData();
  return *data;
}

ReferenceData::ReferenceData() {
  for (const auto& r : Rows(FindEmbedded("municipalities.csv"))) {
    if (r.size() < 9) continue;
    Municipality m{std::string(r[0]), std::string(r[1]), std::string(r[2]), std::string(r[3])};
    if (!absl::SimpleAtod(r[7], &m.lat) || !absl::SimpleAtod(r[8], &m.lon)) {
      std::abort();
    }
    const size_t i = municipalities_.size();
    municipality_by_code_[m.code] = i;
    municipality_by_name_[FoldCase(m.name_fi)] = i;
    municipality_by_name_[FoldCase(m.name_sv)] = i;
    municipalities_.push_back(std::move(m));
  }
  for (const auto& r : Rows(FindEmbedded("wellbeing_regions.csv"))) {
    if (r.size() < 3) continue;
    region_by_code_[std::string(r[0])] = regions_.size();
    regions_.push_back({std::string(r[0]), std::string(r[1]), std::string(r[2])});
  }
}

const Municipality* ReferenceData::FindMunicipality(absl::string_view code) const {
  auto it = municipality_by_code_.find(code);
  return it == municipality_by_code_.end() ? nullptr : &municipalities_[it->second];
}

const Municipality* ReferenceData::FindMunicipalityByName(absl::string_view name) const {
  auto it = municipality_by_name_.find(FoldCase(name));
  return it == municipality_by_name_.end() ? nullptr : &municipalities_[it->second];
}

const WellbeingRegion* ReferenceData::FindRegion(absl::string_view code) const {
  auto it = region_by_code_.find(code);
  return it == region_by_code_.end() ? nullptr : &regions_[it->second];
}

}  // namespace kokemus::reference

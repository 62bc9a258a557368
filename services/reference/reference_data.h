// Finnish reference data shipped inside the binaries: the municipalities with
// their Statistics Finland codes, names and centroids, and the wellbeing
// regions. Loaded once from services/data/*.csv (embedded at build time).
//
//   const ReferenceData& ref = ReferenceData::Get();
//   if (const Municipality* m = ref.FindMunicipality("398")) { m->name_fi; }
//   ref.FindMunicipalityByName("lahtis")->code == "398"
#ifndef KOKEMUS_SERVICES_REFERENCE_REFERENCE_DATA_H_
#define KOKEMUS_SERVICES_REFERENCE_REFERENCE_DATA_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace kokemus::reference {

struct Municipality {
  std::string code;  // 3 digits, "398"
  std::string name_fi;
  std::string name_sv;
  std::string wellbeing_region;  // "PH"
  double lat = 0;
  double lon = 0;
};

struct WellbeingRegion {
  std::string code;
  std::string name_fi;
  std::string name_sv;
};

class ReferenceData final {
 public:
  static const ReferenceData& Get();

  const Municipality* FindMunicipality(absl::string_view code) const;
  // Finnish or Swedish name, case-insensitive ("Lahti", "LAHTIS", "hämeenlinna").
  const Municipality* FindMunicipalityByName(absl::string_view name) const;
  const WellbeingRegion* FindRegion(absl::string_view code) const;
  const std::vector<Municipality>& municipalities() const { return municipalities_; }
  const std::vector<WellbeingRegion>& regions() const { return regions_; }

 private:
  ReferenceData();
  std::vector<Municipality> municipalities_;
  std::vector<WellbeingRegion> regions_;
  absl::flat_hash_map<std::string, size_t> municipality_by_code_;
  absl::flat_hash_map<std::string, size_t> municipality_by_name_;
  absl::flat_hash_map<std::string, size_t> region_by_code_;
};

// Lower-cases ASCII letters and the Finnish/Swedish letters Å, Ä, Ö in UTF-8.
std::string FoldCase(absl::string_view text);

}  // namespace kokemus::reference

#endif  // KOKEMUS_SERVICES_REFERENCE_REFERENCE_DATA_H_

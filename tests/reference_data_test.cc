#include "services/reference/reference_data.h"

#include "gtest/gtest.h"

namespace kokemus::reference {
namespace {

TEST(ReferenceData, HoldsAllMunicipalitiesAndRegions) {
  const ReferenceData& ref = ReferenceData::Get();
  EXPECT_EQ(ref.municipalities().size(), 309u);
  EXPECT_EQ(ref.regions().size(), 23u);  // 21 regions, Helsinki, Åland
}

TEST(ReferenceData, FindsMunicipalitiesByCodeAndByEitherName) {
  const ReferenceData& ref = ReferenceData::Get();
  const Municipality* lahti = ref.FindMunicipality("398");
  ASSERT_NE(lahti, nullptr);
  EXPECT_EQ(lahti->name_fi, "Lahti");
  EXPECT_EQ(lahti->name_sv, "Lahtis");
  EXPECT_EQ(lahti->wellbeing_region, "PH");
  EXPECT_NEAR(lahti->lat, 60.9881, 1e-4);
  EXPECT_NEAR(lahti->lon, 25.8588, 1e-4);
  EXPECT_EQ(ref.FindMunicipalityByName("LAHTIS"), lahti);
  EXPECT_EQ(ref.FindMunicipalityByName("lahti"), lahti);
  const Municipality* hml = ref.FindMunicipalityByName("HÄMEENLINNA");
  ASSERT_NE(hml, nullptr);
  EXPECT_EQ(hml->code, "109");
  EXPECT_EQ(ref.FindMunicipality("999"), nullptr);
  EXPECT_EQ(ref.FindMunicipalityByName("Atlantis"), nullptr);
}

TEST(ReferenceData, FindsRegions) {
  const ReferenceData& ref = ReferenceData::Get();
  const WellbeingRegion* ph = ref.FindRegion("PH");
  ASSERT_NE(ph, nullptr);
  EXPECT_EQ(ph->name_fi, "Päijät-Häme");
  EXPECT_EQ(ph->name_sv, "Päijänne-Tavastland");
  EXPECT_NE(ref.FindRegion("HEL"), nullptr);
  EXPECT_EQ(ref.FindRegion("ph"), nullptr);
}

}  // namespace
}  // namespace kokemus::reference

#include "services/reference/reference_data.h"

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "services/reference/calendar.h"

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

// Issue 17: a time without an offset is Helsinki time, written as people
// write it; an offset that is not Helsinki's on the day is told apart.
TEST(WrittenTime, WithoutAnOffsetIsHelsinkiTime) {
  const absl::Time winter_nine =
      absl::FromCivil(absl::CivilMinute(2026, 12, 2, 7, 0), absl::UTCTimeZone());
  for (const char* text :
       {"2026-12-02T09:00", "2026-12-02 09:00", "2.12.2026 klo 9.00", "2.12.2026 9:00",
        "02.12.2026 klo 09.00", "2026-12-02T09:00:00", " 2026-12-02 09:00 "}) {
    auto t = ParseWrittenTime(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(t->time, winter_nine) << text;
    EXPECT_FALSE(t->offset_given) << text;
  }
  // Summer: 10:00 in Helsinki is 07:00 UTC.
  auto summer = ParseWrittenTime("15.6.2027 klo 10.00");
  ASSERT_TRUE(summer.has_value());
  EXPECT_EQ(
      summer->time, absl::FromCivil(absl::CivilMinute(2027, 6, 15, 7, 0), absl::UTCTimeZone()));
  // The spring change skips 03:00-04:00; the autumn one repeats it.
  EXPECT_EQ(
      ParseWrittenTime("2027-03-28 03:30")->time,
      absl::FromCivil(absl::CivilMinute(2027, 3, 28, 1, 0), absl::UTCTimeZone()));
  EXPECT_EQ(
      ParseWrittenTime("2027-10-31 03:30")->time,
      absl::FromCivil(absl::CivilMinute(2027, 10, 31, 0, 30), absl::UTCTimeZone()));
  for (const char* bad :
       {"2026-12-02", "31.2.2027 klo 9.00", "2.12.2026 klo 25.00", "2.12.2026 klo 9",
        "huomenna 9.00", "2026-12-02T9:0", ""}) {
    EXPECT_FALSE(ParseWrittenTime(bad).has_value()) << bad;
  }
}

TEST(WrittenTime, AnOffsetNotHelsinkisOnTheDayIsTold) {
  // The README's style in summer: +02:00 is 11:00 in Helsinki.
  auto summer = ParseWrittenTime("2027-06-15T10:00:00+02:00");
  ASSERT_TRUE(summer.has_value());
  EXPECT_TRUE(summer->offset_given);
  EXPECT_TRUE(summer->foreign_offset);
  EXPECT_EQ(HelsinkiOffset(summer->time), "+03:00");
  auto right = ParseWrittenTime("2027-06-15T10:00:00+03:00");
  ASSERT_TRUE(right.has_value());
  EXPECT_FALSE(right->foreign_offset);
  auto winter = ParseWrittenTime("2026-12-02T09:00:00+02:00");
  ASSERT_TRUE(winter.has_value());
  EXPECT_FALSE(winter->foreign_offset);
  EXPECT_EQ(HelsinkiOffset(winter->time), "+02:00");
  auto utc = ParseWrittenTime("2026-12-02T07:00:00Z");
  ASSERT_TRUE(utc.has_value());
  EXPECT_FALSE(utc->foreign_offset);  // UTC is written on purpose
  EXPECT_FALSE(ParseWrittenTime("2026-12-02T07:00:00+00:00")->foreign_offset);
  EXPECT_TRUE(ParseWrittenTime("2026-12-02T08:00:00+01:00")->foreign_offset);
  EXPECT_EQ(utc->time, winter->time);
}

}  // namespace
}  // namespace kokemus::reference

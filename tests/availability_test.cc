#include "services/domain/availability.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kokemus::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(DayTimesTest, ReadsTheWaysPeopleWriteTimes) {
  EXPECT_THAT(*ParseDayTimes("9-16"), ElementsAre(Pair(540, 960)));
  EXPECT_THAT(
      *ParseDayTimes(" 9.00\u201312.00, 13:30 - 16 "), ElementsAre(Pair(540, 720), Pair(810, 960)));
  EXPECT_THAT(*ParseDayTimes("08.15\u201424; 0-1"), ElementsAre(Pair(495, 1440), Pair(0, 60)));
  EXPECT_THAT(*ParseDayTimes(""), IsEmpty());
  EXPECT_THAT(*ParseDayTimes(" , "), IsEmpty());
}

TEST(DayTimesTest, RefusesWhatIsNoTimeSpanSayingWhich) {
  for (const char* bad :
       {"9", "9-", "aamu", "9.5-10", "25-26", "9.60-10", "24.30-", "9-10-11", "-9", "123-130"}) {
    auto parsed = ParseDayTimes(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(
      ParseDayTimes("10-12, aamu").status().message(),
      "\"aamu\" is not a time span like 9.00-16.00");
  EXPECT_EQ(ParseDayTimes("16-9").status().message(), "\"16-9\" ends before it starts");
  EXPECT_EQ(ParseDayTimes("9-9").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DayTimesTest, WritesTimesBackTheOneWayItReads) {
  EXPECT_EQ(FormatDayTimes({{540, 720}, {810, 1440}}), "9.00\u201312.00, 13.30\u201324.00");
  EXPECT_EQ(FormatDayTimes({}), "");
  EXPECT_THAT(
      *ParseDayTimes(FormatDayTimes({{0, 75}, {600, 1020}})),
      ElementsAre(Pair(0, 75), Pair(600, 1020)));
}

}  // namespace
}  // namespace kokemus::domain

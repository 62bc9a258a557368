// Finnish personal identity codes: the form, the century signs of the 2023
// reform, a real date, the individual number and the check character; the
// message never repeats the code.
#include "services/domain/identity_code.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/validation.h"

namespace kokemus::domain {
namespace {

std::string Why(absl::string_view code) {
  const absl::Status s = CheckIdentityCode(code, "expert.identity_code");
  if (s.ok()) return "ok";
  const std::vector<FieldViolation> v = ViolationsOf(s);
  return v.size() == 1 ? v[0].field + ": " + v[0].description : std::string(s.message());
}

TEST(IdentityCode, TakesEveryCenturySignWithItsCheckCharacter) {
  EXPECT_EQ(Why("131052-308T"), "ok");  // the official example
  EXPECT_EQ(Why("010594Y9021"), "ok");  // 1900s, the 2023 signs
  EXPECT_EQ(Why("290200A901C"), "ok");  // 2000 is a leap year; a temporary number
  EXPECT_EQ(Why("010101A123N"), "ok");
  EXPECT_EQ(Why("311299-999E"), "ok");
  EXPECT_EQ(NormalizeIdentityCode(" 131052-308t\n"), "131052-308T");
}

TEST(IdentityCode, NamesWhatIsWrongWithoutRepeatingTheCode) {
  EXPECT_EQ(
      Why("131052-308"),
      "expert.identity_code: must be a personal identity code DDMMYYCZZZQ (11 characters)");
  EXPECT_EQ(
      Why("1310523308T"),
      "expert.identity_code: has no century sign (+, -, U-Y or A-F) at its 7th character");
  EXPECT_EQ(Why("290201A901C"), "expert.identity_code: does not begin with a date that exists");
  EXPECT_EQ(Why("311399-999E"), "expert.identity_code: does not begin with a date that exists");
  EXPECT_EQ(Why("131052-001T"), "expert.identity_code: has an individual number below 002");
  EXPECT_EQ(Why("131052-308U"), "expert.identity_code: has a wrong check character");
}

}  // namespace
}  // namespace kokemus::domain

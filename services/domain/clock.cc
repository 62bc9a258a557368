#include "services/domain/clock.h"

namespace kokemus::domain {
namespace {

class System final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

const Clock& SystemClock() {
  static const System* clock = new System;
  return *clock;
}

}  // namespace kokemus::domain

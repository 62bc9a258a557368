// libFuzzer target: the templates coordinators upload (contracts, messages):
// any text is checked, and a text that passes is rendered with sample data.
// Mustache recursion (partials, nested sections) must neither crash nor hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kainjow/mustache.hpp"
#include "services/domain/documents.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!kokemus::domain::CheckTemplate(text, "template").ok()) return 0;
  kokemus::domain::TemplateData values;
  values.set("expert_name", "Kaisa Esimerkki");
  values.set("fee", "150,00 €");
  kokemus::domain::TemplateData rows = kokemus::domain::TemplateData::type::list;
  for (const char* day : {"2.12.2026", "9.12.2026"}) {
    kokemus::domain::TemplateData row;
    row.set("day", day);
    rows.push_back(row);
  }
  values.set("tasks", rows);
  values.set("remote", false);
  (void)kokemus::domain::RenderTemplate(text, values);
  return 0;
}

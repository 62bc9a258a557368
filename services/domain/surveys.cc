#include "services/domain/surveys.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/substitute.h"
#include "services/domain/documents.h"

namespace kokemus::domain {
namespace {

SurveyOption Option(
    const char* id, const char* fi, const char* sv, const char* en, bool what = false) {
  return {id, {fi, sv, en}, what};
}

bool IsBuiltIn(absl::string_view id) {
  for (const SurveyQuestion& q : BuiltInSurveyQuestions()) {
    if (q.id == id) return true;
  }
  return false;
}

bool IsChoice(SurveyQuestionKind kind) {
  return kind == SurveyQuestionKind::kSingleChoice || kind == SurveyQuestionKind::kMultipleChoice ||
         kind == SurveyQuestionKind::kAgreement;
}

}  // namespace

const std::string& SurveyText::In(absl::string_view language) const {
  if (language == "sv" && !sv.empty()) return sv;
  if (language == "en" && !en.empty()) return en;
  return fi;
}

const std::vector<SurveyOption>& AgreementOptions() {
  static const auto* options = new std::vector<SurveyOption>{
      Option("fully_agree", "Täysin samaa mieltä", "Helt av samma åsikt", "Fully agree"),
      Option("partly_agree", "Osittain samaa mieltä", "Delvis av samma åsikt", "Partly agree"),
      Option("partly_disagree", "Osittain eri mieltä", "Delvis av annan åsikt", "Partly disagree"),
      Option("fully_disagree", "Täysin eri mieltä", "Helt av annan åsikt", "Fully disagree"),
  };
  return *options;
}

const std::vector<SurveyQuestion>& BuiltInSurveyQuestions() {
  static const auto* questions = new std::vector<SurveyQuestion>{
      {"role",
       SurveyQuestionKind::kSingleChoice,
       {"Olen", "Jag är", "I am"},
       {Option("rehabilitee", "Kuntoutuja", "Rehabiliteringsklient", "Rehabilitee"),
        Option("employee", "Työntekijä", "Anställd", "Employee"),
        Option("student", "Opiskelija", "Studerande", "Student"),
        Option("other", "Muu, mikä?", "Annat, vad?", "Other, what?", true)}},
      {"feelings",
       SurveyQuestionKind::kMultipleChoice,
       {"Kokemusasiantuntija herätti minussa…", "Erfarenhetsexperten väckte i mig…",
        "The expert by experience evoked in me…"},
       {Option("hope", "Toivoa", "Hopp", "Hope"),
        Option("compassion", "Myötätuntoa", "Medkänsla", "Compassion"),
        Option("shame", "Häpeää", "Skam", "Shame"),
        Option("anxiety", "Ahdistusta", "Ångest", "Anxiety"),
        Option("fear", "Pelkoa", "Rädsla", "Fear"),
        Option("understanding", "Ymmärrystä", "Förståelse", "Understanding"),
        Option(
            "other", "Jotain muuta, mitä?", "Något annat, vad?", "Something else, what?", true)}},
      {"hear_more",
       SurveyQuestionKind::kAgreement,
       {"Haluaisin kuulla enemmän kokemusasiantuntijoiden kertomuksia",
        "Jag skulle vilja höra fler erfarenhetsexperters berättelser",
        "I would like to hear more stories of experts by experience"},
       AgreementOptions()},
      {"helped_understand",
       SurveyQuestionKind::kAgreement,
       {"Kokemusasiantuntija auttoi minua ymmärtämään mielenterveys- ja päihdeongelmia",
        "Erfarenhetsexperten hjälpte mig att förstå psykiska problem och missbruksproblem",
        "The expert by experience helped me understand mental-health and substance-use problems"},
       AgreementOptions()},
      {"free_word",
       SurveyQuestionKind::kFreeText,
       {"Vapaa sana", "Fritt ord", "Anything else?"},
       {}},
  };
  return *questions;
}

std::vector<SurveyQuestion> SurveyQuestions(const std::vector<SurveyQuestion>& own) {
  std::vector<SurveyQuestion> all = BuiltInSurveyQuestions();
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

void ValidateOwnQuestions(
    std::vector<SurveyQuestion>& own, absl::string_view field, FieldViolations& v) {
  if (own.size() > static_cast<size_t>(kMaxOwnQuestions)) {
    v.Add(std::string(field), absl::StrCat("at most ", kMaxOwnQuestions, " questions"));
    return;
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < own.size(); ++i) {
    SurveyQuestion& q = own[i];
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (!IsValidId(q.id)) {
      v.Add(at + ".id", "must be 1 to 63 lowercase letters, digits or '-'");
    } else if (IsBuiltIn(q.id)) {
      v.Add(at + ".id", "is a built-in question's id");
    } else if (!ids.insert(q.id).second) {
      v.Add(at + ".id", "is given twice");
    }
    if (q.kind == SurveyQuestionKind::kUnspecified) v.Add(at + ".kind", "is required");
    if (q.text.fi.empty()) v.Add(at + ".text.fi", "is required");
    for (const auto& [lang, text] :
         {std::pair{"fi", &q.text.fi}, std::pair{"sv", &q.text.sv}, std::pair{"en", &q.text.en}}) {
      if (text->size() > kMaxQuestionTextBytes) {
        v.Add(absl::StrCat(at, ".text.", lang), "is longer than 300 bytes");
      }
    }
    if (q.kind == SurveyQuestionKind::kAgreement) {
      // None, or the fixed four given back as a read template has them.
      const auto& fixed = AgreementOptions();
      const bool same =
          q.options.size() == fixed.size() &&
          std::equal(
              q.options.begin(), q.options.end(), fixed.begin(),
              [](const SurveyOption& a, const SurveyOption& b) { return a.id == b.id; });
      if (!q.options.empty() && !same) {
        v.Add(at + ".options", "are fixed for an agreement question");
      }
      q.options = fixed;
      continue;
    }
    if (q.kind == SurveyQuestionKind::kFreeText) {
      if (!q.options.empty()) v.Add(at + ".options", "are not asked of a free-text question");
      continue;
    }
    if (q.kind == SurveyQuestionKind::kUnspecified) continue;
    if (q.options.size() < 2 || q.options.size() > static_cast<size_t>(kMaxOptions)) {
      v.Add(at + ".options", absl::StrCat("must be 2 to ", kMaxOptions));
      continue;
    }
    std::set<std::string> option_ids;
    for (size_t j = 0; j < q.options.size(); ++j) {
      const SurveyOption& o = q.options[j];
      const std::string oat = absl::StrCat(at, ".options[", j, "]");
      if (!IsValidId(o.id)) {
        v.Add(oat + ".id", "must be 1 to 63 lowercase letters, digits or '-'");
      } else if (!option_ids.insert(o.id).second) {
        v.Add(oat + ".id", "is given twice");
      }
      if (o.label.fi.empty()) v.Add(oat + ".label.fi", "is required");
      if (o.label.fi.size() > kMaxQuestionTextBytes || o.label.sv.size() > kMaxQuestionTextBytes ||
          o.label.en.size() > kMaxQuestionTextBytes) {
        v.Add(oat + ".label", "is longer than 300 bytes");
      }
    }
  }
}

void ValidateSurveySettings(
    std::vector<SurveyQuestion>& questions, int& open_days, int& suppression_threshold,
    absl::string_view field, FieldViolations& v) {
  const auto& built_in = BuiltInSurveyQuestions();
  std::erase_if(questions, [&](const SurveyQuestion& q) {
    return std::find(built_in.begin(), built_in.end(), q) != built_in.end();
  });
  ValidateOwnQuestions(questions, absl::StrCat(field, ".questions"), v);
  if (open_days == 0) open_days = kDefaultSurveyDays;
  if (open_days < 1 || open_days > 60) v.Add(absl::StrCat(field, ".open_days"), "must be 1 to 60");
  if (suppression_threshold == 0) suppression_threshold = kDefaultSurveyThreshold;
  if (suppression_threshold < 3 || suppression_threshold > 50) {
    v.Add(absl::StrCat(field, ".suppression_threshold"), "must be 3 to 50");
  }
}

absl::StatusOr<SurveyAnswer> ParseSurveyAnswer(
    const std::vector<SurveyQuestion>& questions,
    const std::map<std::string, std::string>& fields) {
  FieldViolations v;
  SurveyAnswer answer;
  auto field = [&](const std::string& name) -> std::string {
    auto it = fields.find(name);
    return it == fields.end() ? "" : std::string(absl::StripAsciiWhitespace(it->second));
  };
  auto text_ok = [&](const std::string& name, const std::string& text) {
    if (text.size() <= kMaxSurveyTextBytes) return true;
    v.Add(name, "is longer than 2000 characters");
    return false;
  };
  for (const SurveyQuestion& q : questions) {
    const std::string given = field(q.id);
    if (q.kind == SurveyQuestionKind::kFreeText) {
      if (!given.empty() && text_ok(q.id, given)) answer.comments.push_back({q.id, "", given});
      continue;
    }
    if (!IsChoice(q.kind) || given.empty()) continue;
    std::vector<std::string> chosen;
    for (absl::string_view part : absl::StrSplit(given, ',', absl::SkipEmpty())) {
      const std::string id(absl::StripAsciiWhitespace(part));
      auto option = std::find_if(
          q.options.begin(), q.options.end(), [&](const SurveyOption& o) { return o.id == id; });
      if (option == q.options.end()) {
        v.Add(q.id, "is not one of the question's options");
        break;
      }
      if (std::find(chosen.begin(), chosen.end(), id) != chosen.end()) continue;
      chosen.push_back(id);
      if (option->asks_what) {
        const std::string what_field = absl::StrCat(q.id, ".", id, ".what");
        const std::string what = field(what_field);
        if (!what.empty() && text_ok(what_field, what)) answer.comments.push_back({q.id, id, what});
      }
    }
    if (q.kind != SurveyQuestionKind::kMultipleChoice && chosen.size() > 1) {
      v.Add(q.id, "takes one option");
    }
    if (!chosen.empty()) answer.choices[q.id] = chosen;
  }
  if (!v.empty()) return v.ToStatus();
  if (answer.choices.empty() && answer.comments.empty()) {
    return InvalidField("answer", "answer at least one question");
  }
  return answer;
}

SurveyWindow SurveyWindowFor(absl::Time task_start, absl::Time task_end, int days) {
  return {task_start, task_end + absl::Hours(24) * days};
}

std::string SurveyLink(absl::string_view base_url, absl::string_view code) {
  return absl::StrCat(absl::StripSuffix(base_url, "/"), kSurveyPath, code);
}

int PercentTenths(int n, int total) {
  if (total <= 0) return 0;
  // n / total * 1000, half up, in integers.
  return static_cast<int>((2000LL * n + total) / (2LL * total));
}

std::vector<int> SharesSummingTo100(const std::vector<int>& counts, int total) {
  std::vector<int> tenths(counts.size(), 0);
  if (total <= 0) return tenths;
  // Floors first, then a tenth each to the largest remainders.
  std::vector<long long> remainder(counts.size());
  int given = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    tenths[i] = static_cast<int>(1000LL * counts[i] / total);
    remainder[i] = 1000LL * counts[i] % total;
    given += tenths[i];
  }
  std::vector<size_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(
      order.begin(), order.end(), [&](size_t a, size_t b) { return remainder[a] > remainder[b]; });
  for (size_t k = 0; k < order.size() && given < 1000; ++k) {
    if (remainder[order[k]] == 0) break;
    ++tenths[order[k]];
    ++given;
  }
  return tenths;
}

SurveySummary SummarizeSurvey(
    const std::vector<SurveyQuestion>& questions, const SurveyCounts& counts, int threshold) {
  SurveySummary s;
  s.answers = counts.answers;
  s.suppression_threshold = threshold;
  s.suppressed = threshold > 0 && counts.answers < threshold;
  for (const SurveyQuestion& q : questions) {
    if (!IsChoice(q.kind)) continue;
    QuestionFigures f;
    f.question = q.id;
    f.kind = q.kind;
    auto r = counts.respondents.find(q.id);
    f.respondents = r == counts.respondents.end() ? 0 : r->second;
    f.suppressed = s.suppressed || (threshold > 0 && f.respondents < threshold);
    std::vector<int> n;
    for (const SurveyOption& o : q.options) {
      auto c = counts.chosen.find({q.id, o.id});
      n.push_back(c == counts.chosen.end() ? 0 : c->second);
      f.selections += n.back();
    }
    if (f.suppressed) {
      f.respondents = 0;
      f.selections = 0;
    } else {
      const std::vector<int> shares = q.kind == SurveyQuestionKind::kMultipleChoice
                                          ? std::vector<int>{}
                                          : SharesSummingTo100(n, f.respondents);
      for (size_t i = 0; i < q.options.size(); ++i) {
        const int tenths = shares.empty() ? PercentTenths(n[i], f.respondents) : shares[i];
        f.options.push_back({q.options[i].id, n[i], tenths / 10.0});
      }
    }
    s.questions.push_back(std::move(f));
  }
  if (s.suppressed) s.answers = 0;
  return s;
}

std::string FormatPercentTenths(int tenths, absl::string_view language) {
  const std::string number = absl::StrCat(tenths / 10, language == "en" ? "." : ",", tenths % 10);
  return language == "en" ? absl::StrCat(number, "%") : absl::StrCat(number, "\u00a0%");
}

SurveyCard SurveyCardFor(
    absl::string_view language, const std::string& exchange_name, absl::Time task_start,
    absl::Time closes, const std::string& url) {
  SurveyCard c;
  c.language = language == "sv" || language == "en" ? std::string(language) : "fi";
  c.url = url;
  c.exchange = exchange_name;
  // $0: the visit's day, or when the survey closes.
  struct Words {
    const char* title;
    const char* lead;
    const char* closes;
    const char* note;
  };
  static constexpr Words kFi = {
      "Kerro, mitä ajattelit",
      "Vastaa nimettömästi muutamaan kysymykseen kokemusasiantuntijan vierailusta $0. Vastaaminen "
      "vie noin minuutin. Skannaa koodi puhelimen kameralla tai kirjoita osoite.",
      "Kysely on auki $0 asti.",
      "Et kirjaudu. Vastaukseesi ei tallenneta nimeä, osoitetta eikä laitteesi tietoja."};
  static constexpr Words kSv = {
      "Berätta vad du tyckte",
      "Svara anonymt på några frågor om erfarenhetsexpertens besök $0. Det tar ungefär en minut. "
      "Skanna koden med telefonens kamera eller skriv adressen.",
      "Enkäten är öppen till $0.",
      "Du loggar inte in. Inget namn, ingen adress och inga uppgifter om din enhet sparas med "
      "ditt svar."};
  static constexpr Words kEn = {
      "Tell us what you thought",
      "Answer a few questions anonymously about the visit of the expert by experience on $0. It "
      "takes about a minute. Scan the code with your phone's camera or type the address.",
      "The survey is open until $0.",
      "You do not sign in. No name, address or details of your device are stored with your "
      "answer."};
  const Words& w = c.language == "sv" ? kSv : c.language == "en" ? kEn : kFi;
  c.title = w.title;
  c.lead = absl::Substitute(w.lead, FormatDate(task_start, c.language));
  c.closes = absl::Substitute(w.closes, FormatDateTime(closes, c.language));
  c.note = w.note;
  return c;
}

std::string FormatPercent(double percent, absl::string_view language) {
  return FormatPercentTenths(static_cast<int>(percent * 10 + 0.5), language);
}

}  // namespace kokemus::domain

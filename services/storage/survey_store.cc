#include "services/storage/survey_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/domain/validation.h"
#include "services/storage/secret_token.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kSelectSettings[] =
    "SELECT questions, open_days, suppression_threshold, anonymous_reflections FROM "
    "survey_templates WHERE exchange_id = :x";
constexpr char kUpsertSettings[] =
    "INSERT INTO survey_templates (exchange_id, questions, open_days, suppression_threshold, "
    "anonymous_reflections, update_time) VALUES (:x, :q, :d, :t, :a, :u) ON CONFLICT "
    "(exchange_id) DO UPDATE SET questions = excluded.questions, open_days = "
    "excluded.open_days, suppression_threshold = excluded.suppression_threshold, "
    "anonymous_reflections = excluded.anonymous_reflections, update_time = "
    "excluded.update_time";
// A task's survey with what its page shows and its exchange's settings, in
// one query (the page asks it for every answer); its answers are counted
// only when asked (EnsureSurvey).
constexpr char kSelectSurvey[] =
    "SELECT s.exchange_id, s.order_id, s.code, o.start_time, o.duration_minutes, o.language, "
    "x.display_name, o.state, COALESCE(t.questions, '[]'), COALESCE(t.open_days, %d), "
    "COALESCE(t.suppression_threshold, %d) FROM surveys s JOIN orders o ON o.exchange_id = "
    "s.exchange_id AND o.id = s.order_id JOIN exchanges x ON x.id = s.exchange_id LEFT JOIN "
    "survey_templates t ON t.exchange_id = s.exchange_id WHERE ";
constexpr char kHeldCount[] =
    "SELECT COUNT(*) FROM assignments WHERE exchange_id = :x AND order_id = :o AND state IN "
    "('CONFIRMED', 'COMPLETED')";
constexpr char kCountAnswers[] =
    "SELECT COUNT(*) FROM survey_answers WHERE exchange_id = :x AND order_id = :o";
constexpr char kOrderExists[] = "SELECT COUNT(*) FROM orders WHERE exchange_id = :x AND id = :o";
constexpr char kInsertSurvey[] =
    "INSERT INTO surveys (exchange_id, order_id, code) VALUES (:x, :o, :c) "
    "ON CONFLICT (exchange_id, order_id) DO NOTHING";
constexpr char kInsertAnswer[] =
    "INSERT INTO survey_answers (exchange_id, order_id, id) VALUES (:x, :o, :id)";
// One statement for all of an answer's rows: `rows` value tuples of `columns`.
std::string MultiRowInsert(const char* table, const char* columns, int per_row, size_t rows) {
  std::string sql = absl::StrCat("INSERT INTO ", table, " (", columns, ") VALUES ");
  int n = 0;
  for (size_t r = 0; r < rows; ++r) {
    absl::StrAppend(&sql, r ? ", (" : "(");
    for (int c = 0; c < per_row; ++c) absl::StrAppend(&sql, c ? ", :v" : ":v", n++);
    absl::StrAppend(&sql, ")");
  }
  return sql;
}

const char* StateSql(CommentState s) {
  switch (s) {
    case CommentState::kNew:
      return "NEW";
    case CommentState::kShown:
      return "SHOWN";
    case CommentState::kHidden:
      return "HIDDEN";
    default:
      return "";
  }
}

CommentState StateOf(const std::string& s) {
  if (s == "SHOWN") return CommentState::kShown;
  if (s == "HIDDEN") return CommentState::kHidden;
  return CommentState::kNew;
}

constexpr char kSelectComment[] =
    "SELECT m.exchange_id, m.id, m.order_id, m.question, m.choice, m.body, m.state FROM "
    "survey_comments";

StoredComment CommentOf(const soci::row& row) {
  RowReader r(row);
  StoredComment c;
  c.exchange_id = r.Text();
  c.id = r.Text();
  c.order_id = r.Text();
  c.comment.question = r.Text();
  c.comment.option = r.Text();
  c.comment.text = r.Text();
  c.state = StateOf(r.Text());
  return c;
}

Json TextJson(const domain::SurveyText& t) { return {{"fi", t.fi}, {"sv", t.sv}, {"en", t.en}}; }

domain::SurveyText TextFrom(const Json& j) {
  return {j.value("fi", ""), j.value("sv", ""), j.value("en", "")};
}

std::string QuestionsJson(const std::vector<domain::SurveyQuestion>& questions) {
  Json out = Json::array();
  for (const domain::SurveyQuestion& q : questions) {
    Json options = Json::array();
    for (const domain::SurveyOption& o : q.options) {
      options.push_back({{"id", o.id}, {"label", TextJson(o.label)}, {"what", o.asks_what}});
    }
    out.push_back(
        {{"id", q.id},
         {"kind", static_cast<int>(q.kind)},
         {"text", TextJson(q.text)},
         {"options", options}});
  }
  return out.dump();
}

std::vector<domain::SurveyQuestion> QuestionsFrom(const std::string& text) {
  std::vector<domain::SurveyQuestion> out;
  for (const Json& j : Json::parse(text)) {
    domain::SurveyQuestion q;
    q.id = j.value("id", "");
    q.kind = static_cast<domain::SurveyQuestionKind>(j.value("kind", 0));
    q.text = TextFrom(j.value("text", Json::object()));
    for (const Json& o : j.value("options", Json::array())) {
      q.options.push_back(
          {o.value("id", ""), TextFrom(o.value("label", Json::object())), o.value("what", false)});
    }
    out.push_back(std::move(q));
  }
  return out;
}

absl::StatusOr<SurveySettings> ReadSettings(soci::session& sql, const std::string& exchange_id) {
  SurveySettings s;
  s.exchange_id = exchange_id;
  auto rows = Query<SurveySettings>(sql, kSelectSettings, {exchange_id}, [&](const soci::row& row) {
    RowReader r(row);
    SurveySettings out = s;
    out.own = QuestionsFrom(r.Text());
    out.open_days = static_cast<int>(r.Int());
    out.suppression_threshold = static_cast<int>(r.Int());
    out.anonymous_reflections = r.Int() != 0;
    return out;
  });
  if (!rows.empty()) return rows[0];
  if (absl::Status e = CheckExchangeExists(sql, exchange_id); !e.ok()) return e;
  return s;
}

absl::StatusOr<TaskSurveyRow> ReadSurvey(
    soci::session& sql, const std::string& where, const Record& values) {
  const std::string query = absl::StrCat(
      absl::StrFormat(kSelectSurvey, domain::kDefaultSurveyDays, domain::kDefaultSurveyThreshold),
      where);
  auto rows = Query<TaskSurveyRow>(sql, query, values, [](const soci::row& row) {
    RowReader r(row);
    TaskSurveyRow s;
    s.exchange_id = r.Text();
    s.order_id = r.Text();
    s.code = r.Text();
    s.start = r.Time();
    s.end = s.start + absl::Minutes(r.Int());
    s.language = r.Text();
    s.exchange_name = r.Text();
    s.cancelled = r.Text() == "CANCELLED";
    s.settings.exchange_id = s.exchange_id;
    s.settings.own = QuestionsFrom(r.Text());
    s.settings.open_days = static_cast<int>(r.Int());
    s.settings.suppression_threshold = static_cast<int>(r.Int());
    return s;
  });
  if (rows.empty()) return absl::NotFoundError("this survey link is not valid");
  return rows[0];
}

// " AND ..." for the scope over orders `o` and the values it binds.
void ScopeSql(const SurveyScope& scope, std::string& where, Record& values) {
  if (!scope.exchange_id.empty()) {
    absl::StrAppend(&where, " AND o.exchange_id = :x");
    values.push_back(scope.exchange_id);
  }
  if (!scope.order_id.empty()) {
    absl::StrAppend(&where, " AND o.id = :o");
    values.push_back(scope.order_id);
  }
  if (!scope.organization_id.empty()) {
    absl::StrAppend(&where, " AND o.organization_id = :g");
    values.push_back(scope.organization_id);
  }
  if (!scope.expert_id.empty()) {
    absl::StrAppend(
        &where,
        " AND EXISTS (SELECT 1 FROM assignments h WHERE h.exchange_id = o.exchange_id AND "
        "h.order_id = o.id AND h.expert_id = :e AND h.state IN ('CONFIRMED', 'COMPLETED'))");
    values.push_back(scope.expert_id);
  }
}

}  // namespace

std::string CommentStateName(CommentState state) { return StateSql(state); }

absl::StatusOr<SurveySettings> SurveyStore::GetSettings(const std::string& exchange_id) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<SurveySettings> {
    return ReadSettings(sql, exchange_id);
  });
}

absl::StatusOr<SurveySettings> SurveyStore::PutSettings(const SurveySettings& settings) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<SurveySettings> {
    if (absl::Status e = CheckExchangeExists(sql, settings.exchange_id); !e.ok()) return e;
    Execute(
        sql, kUpsertSettings,
        {settings.exchange_id, QuestionsJson(settings.own),
         static_cast<long long>(settings.open_days),
         static_cast<long long>(settings.suppression_threshold),
         static_cast<long long>(settings.anonymous_reflections ? 1 : 0), Micros(db_.Now())});
    return ReadSettings(sql, settings.exchange_id);
  });
}

absl::StatusOr<TaskSurveyRow> SurveyStore::EnsureSurvey(
    const std::string& exchange_id, const std::string& order_id) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<TaskSurveyRow> {
    if (Count(sql, kOrderExists, {exchange_id, order_id}) == 0) {
      return absl::NotFoundError(
          absl::StrCat("exchanges/", exchange_id, "/orders/", order_id, " not found"));
    }
    if (Count(sql, kHeldCount, {exchange_id, order_id}) == 0) {
      return absl::FailedPreconditionError(
          "the task has no confirmed expert yet: its survey is made when one is confirmed");
    }
    Execute(sql, kInsertSurvey, {exchange_id, order_id, NewShortCode()});
    auto survey =
        ReadSurvey(sql, "s.exchange_id = :x AND s.order_id = :o", {exchange_id, order_id});
    if (survey.ok()) {
      survey->answers = static_cast<int>(Count(sql, kCountAnswers, {exchange_id, order_id}));
    }
    return survey;
  });
}

absl::StatusOr<SurveyStore::Parties> SurveyStore::PartiesOf(
    const std::string& exchange_id, const std::string& order_id) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<Parties> {
    auto orgs = Query<std::string>(
        sql, "SELECT organization_id FROM orders WHERE exchange_id = :x AND id = :o",
        {exchange_id, order_id}, [](const soci::row& row) { return RowReader(row).Text(); });
    if (orgs.empty()) {
      return absl::NotFoundError(
          absl::StrCat("exchanges/", exchange_id, "/orders/", order_id, " not found"));
    }
    Parties p;
    p.organization_id = orgs[0];
    p.experts = Query<std::string>(
        sql,
        "SELECT expert_id FROM assignments WHERE exchange_id = :x AND order_id = :o AND state "
        "IN ('CONFIRMED', 'COMPLETED') ORDER BY expert_id",
        {exchange_id, order_id}, [](const soci::row& row) { return RowReader(row).Text(); });
    return p;
  });
}

absl::StatusOr<TaskSurveyRow> SurveyStore::FindByCode(const std::string& code) {
  if (code.size() != static_cast<size_t>(kShortCodeLength)) {
    return absl::NotFoundError("this survey link is not valid");
  }
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<TaskSurveyRow> {
    return ReadSurvey(sql, "s.code = :c", {code});
  });
}

absl::Status SurveyStore::SubmitAnswer(
    const std::string& exchange_id, const std::string& order_id,
    const domain::SurveyAnswer& answer) {
  const std::string answer_id = domain::GenerateId();
  Record choices;
  size_t choice_rows = 0;
  for (const auto& [question, options] : answer.choices) {
    for (const std::string& option : options) {
      choices.insert(choices.end(), {exchange_id, order_id, answer_id, question, option});
      ++choice_rows;
    }
  }
  Record comments;
  for (const domain::SurveyComment& c : answer.comments) {
    comments.insert(
        comments.end(), {exchange_id, domain::GenerateId(), order_id, c.question, c.option, c.text,
                         std::string("NEW")});
  }
  const std::string insert_choices = MultiRowInsert(
      "survey_choices", "exchange_id, order_id, answer_id, question, choice", 5, choice_rows);
  const std::string insert_comments = MultiRowInsert(
      "survey_comments", "exchange_id, id, order_id, question, choice, body, state", 7,
      answer.comments.size());
  // Three statements at most, and no row every answer updates: a class
  // answering at once does not queue.
  return db_.Write([&](soci::session& sql) -> absl::Status {
    Execute(sql, kInsertAnswer, {exchange_id, order_id, answer_id});
    if (choice_rows > 0) Execute(sql, insert_choices.c_str(), choices);
    if (!answer.comments.empty()) Execute(sql, insert_comments.c_str(), comments);
    return absl::OkStatus();
  });
}

absl::StatusOr<domain::SurveyCounts> SurveyStore::Counts(
    const SurveyScope& scope, absl::Time from, absl::Time to, int* tasks) {
  std::string where = " WHERE o.start_time >= :from AND o.start_time < :to";
  Record values = {Micros(from), Micros(to)};
  ScopeSql(scope, where, values);
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<domain::SurveyCounts> {
    domain::SurveyCounts c;
    const std::string answers = absl::StrCat(
        "SELECT COUNT(*), COUNT(DISTINCT o.exchange_id || '/' || o.id) FROM survey_answers a "
        "JOIN orders o ON o.exchange_id = a.exchange_id AND o.id = a.order_id",
        where);
    Query<int>(sql, answers, values, [&](const soci::row& row) {
      RowReader r(row);
      c.answers = static_cast<int>(r.Int());
      if (tasks != nullptr) *tasks = static_cast<int>(r.Int());
      return 0;
    });
    const std::string joined = absl::StrCat(
        " FROM survey_choices c JOIN orders o ON o.exchange_id = c.exchange_id AND o.id = "
        "c.order_id",
        where);
    Query<int>(
        sql,
        absl::StrCat(
            "SELECT c.question, COUNT(DISTINCT c.answer_id)", joined, " GROUP BY c.question"),
        values, [&](const soci::row& row) {
          RowReader r(row);
          const std::string q = r.Text();
          c.respondents[q] = static_cast<int>(r.Int());
          return 0;
        });
    Query<int>(
        sql,
        absl::StrCat(
            "SELECT c.question, c.choice, COUNT(*)", joined, " GROUP BY c.question, c.choice"),
        values, [&](const soci::row& row) {
          RowReader r(row);
          std::string q = r.Text();
          std::string o = r.Text();
          c.chosen[{std::move(q), std::move(o)}] = static_cast<int>(r.Int());
          return 0;
        });
    return c;
  });
}

absl::StatusOr<std::vector<StoredComment>> SurveyStore::Comments(
    const SurveyScope& scope, absl::Time from, absl::Time to, CommentState state, int offset,
    int limit) {
  std::string where = " WHERE o.start_time >= :from AND o.start_time < :to";
  Record values = {Micros(from), Micros(to)};
  ScopeSql(scope, where, values);
  if (state != CommentState::kUnspecified) {
    absl::StrAppend(&where, " AND m.state = :s");
    values.emplace_back(std::in_place_type<std::string>, StateSql(state));
  }
  const std::string query = absl::StrCat(
      kSelectComment, " m JOIN orders o ON o.exchange_id = m.exchange_id AND o.id = m.order_id",
      where, " ORDER BY o.start_time DESC, m.exchange_id, m.order_id, m.id LIMIT ",
      std::max(limit, 0), " OFFSET ", std::max(offset, 0));
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<std::vector<StoredComment>> {
    return Query<StoredComment>(sql, query, std::move(values), CommentOf);
  });
}

absl::StatusOr<domain::SurveyReport> SurveyStore::Report(
    const SurveyScope& scope, absl::Time from, absl::Time to, int threshold, int comments) {
  domain::SurveyReport report;
  report.questions = domain::BuiltInSurveyQuestions();
  int exchange_threshold = domain::kDefaultSurveyThreshold;
  if (!scope.exchange_id.empty()) {
    auto settings = GetSettings(scope.exchange_id);
    if (!settings.ok()) return settings.status();
    report.questions = domain::SurveyQuestions(settings->own);
    exchange_threshold = settings->suppression_threshold;
  }
  auto counts = Counts(scope, from, to, &report.tasks);
  if (!counts.ok()) return counts.status();
  report.summary = domain::SummarizeSurvey(
      report.questions, *counts, threshold == kExchangeThreshold ? exchange_threshold : threshold);
  if (report.summary.suppressed) {
    report.tasks = 0;
    return report;
  }
  auto shown = Comments(scope, from, to, CommentState::kShown, 0, comments);
  if (!shown.ok()) return shown.status();
  for (const StoredComment& c : *shown) report.comments.push_back(c.comment.text);
  return report;
}

absl::StatusOr<StoredComment> SurveyStore::Review(
    const std::string& exchange_id, const std::string& id, CommentState state) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<StoredComment> {
    if (Execute(
            sql, "UPDATE survey_comments SET state = :s WHERE exchange_id = :x AND id = :id",
            {std::string(StateSql(state)), exchange_id, id}) != 1) {
      return absl::NotFoundError(
          absl::StrCat("exchanges/", exchange_id, "/surveyComments/", id, " not found"));
    }
    return Query<StoredComment>(
               sql, absl::StrCat(kSelectComment, " m WHERE m.exchange_id = :x AND m.id = :id"),
               {exchange_id, id}, CommentOf)
        .at(0);
  });
}

}  // namespace kokemus::storage

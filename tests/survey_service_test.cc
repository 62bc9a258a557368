// The audience's survey of a task (issue 19) through the API and the web
// listener on both databases: the link, its QR code (decoded back with
// zbarimg) and printable card; the Etiäppäin report's 827 answers posted as
// browsers post them and its tables reproduced by GetSurveyResults to one
// decimal; one answer per browser, the window, refusals naming the field;
// who sees which figures; small groups suppressed; free texts read by the
// coordinator first and hidden ones in no result; and the tables holding no
// address, browser or time.
#include <filesystem>
#include <fstream>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kokemus/v1/report_service.grpc.pb.h"
#include "kokemus/v1/survey_service.grpc.pb.h"
#include "services/domain/clock.h"
#include "services/reference/calendar.h"
#include "services/rpc/convert.h"
#include "tests/test_support.h"

namespace kokemus {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing_support::Backend;
using testing_support::Http;
using testing_support::HttpResult;

absl::Time Helsinki(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), reference::HelsinkiTimeZone());
}

constexpr char kAgent[] = "User-Agent: KokemusTestBrowser/1.0 (Android 14; Pixel 8)";

// The answers of the report (pages 17-20): answer i of 827 as form fields.
// Roles by index (6 rehabilitees, 35 employees, 769 students, 17 other);
// the 1504 feelings dealt in turn to the first 818, each 1 or 2; the
// agreement items answered by the first 822 and 819.
std::vector<std::string> ReportAnswers() {
  std::vector<std::map<std::string, std::vector<std::string>>> fields(827);
  int i = 0;
  for (const auto& [role, n] : std::vector<std::pair<std::string, int>>{
           {"rehabilitee", 6}, {"employee", 35}, {"student", 769}, {"other", 17}}) {
    for (int k = 0; k < n; ++k) fields[i++]["role"].push_back(role);
  }
  int cursor = 0;
  for (const auto& [feeling, n] : std::vector<std::pair<std::string, int>>{
           {"hope", 270},
           {"compassion", 429},
           {"shame", 15},
           {"anxiety", 92},
           {"fear", 37},
           {"understanding", 571},
           {"other", 90}}) {
    for (int k = 0; k < n; ++k) fields[cursor++ % 818]["feelings"].push_back(feeling);
  }
  auto agreement = [&](const std::string& q, std::vector<int> counts) {
    int at = 0;
    const char* options[] = {"fully_agree", "partly_agree", "partly_disagree", "fully_disagree"};
    for (int o = 0; o < 4; ++o) {
      for (int k = 0; k < counts[o]; ++k) fields[at++][q].push_back(options[o]);
    }
  };
  agreement("hear_more", {395, 280, 79, 68});
  agreement("helped_understand", {402, 325, 48, 44});
  std::vector<std::string> bodies;
  for (const auto& f : fields) {
    std::vector<std::string> parts;
    for (const auto& [q, options] : f) {
      for (const std::string& o : options) parts.push_back(absl::StrCat(q, "=", o));
    }
    bodies.push_back(absl::StrJoin(parts, "&"));
  }
  return bodies;
}

class SurveyServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  domain::FakeClock clock_{Helsinki(2026, 12, 1, 10, 0)};
  const int web_port_ = testing_support::FreePort();
  const std::string base_ = absl::StrCat("http://127.0.0.1:", web_port_, "/");
  testing_support::TestServer server_{GetParam(), [this](ServerOptions& options) {
                                        options.clock = &clock_;
                                        options.outbox.web_base_url = base_;
                                        options.web_listen = absl::StrCat("127.0.0.1:", web_port_);
                                        // The report's 827 come from one address.
                                        options.web_survey_limit = {.per_second = 5, .burst = 0};
                                      }};
  std::unique_ptr<v1::OrderService::Stub> orders_;
  std::unique_ptr<v1::SurveyService::Stub> surveys_;
  const absl::Time visit_ = Helsinki(2026, 12, 10, 10, 0);

  void SetUp() override {
    auto& registry = server_.registry();
    testing_support::CreateExchange(registry, "ph");
    testing_support::CreateExpert(registry, "ph", "kaisa", testing_support::SampleExpert());
    v1::Expert other = testing_support::SampleExpert();
    other.set_display_name("Olli Kokemus");
    other.set_email("olli@example.fi");
    testing_support::CreateExpert(registry, "ph", "olli", other);
    testing_support::CreateOrganization(registry, "ph", "lyseo");
    orders_ = v1::OrderService::NewStub(server_.channel());
    surveys_ = v1::SurveyService::NewStub(server_.channel());
    testing_support::SetFixedFee(*orders_, "ph", v1::ROLE_LECTURER, 15000);
  }

  // Order `id` at `start` with `expert` confirmed on it.
  void Visit(const std::string& id, const std::string& expert, absl::Time start) {
    testing_support::CreateOrder(
        *orders_, "ph", id, testing_support::SampleOrder("ph", "lyseo", start));
    testing_support::PlaceExpert(server_, *orders_, "ph", id, expert, start);
  }

  v1::TaskSurvey Survey(
      const std::string& order, v1::SurveyFormat format = {}, std::string* content = nullptr,
      const std::string& language = "") {
    grpc::ClientContext ctx;
    v1::GetTaskSurveyRequest req;
    req.set_name(absl::StrCat("exchanges/ph/orders/", order, "/survey"));
    req.set_format(format);
    req.set_language(language);
    v1::GetTaskSurveyResponse resp;
    grpc::Status s = surveys_->GetTaskSurvey(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (content != nullptr) *content = resp.content();
    return resp.survey();
  }

  HttpResult Post(const std::string& url, const std::string& body, const std::string& cookie = "") {
    std::vector<std::string> headers = {kAgent};
    if (!cookie.empty()) headers.push_back("Cookie: " + cookie);
    return Http("POST", url, body, headers, "", "application/x-www-form-urlencoded");
  }

  grpc::Status Results(
      const std::string& scope, v1::GetSurveyResultsResponse* out, const std::string& key = "") {
    auto channel =
        key.empty() ? server_.channel() : testing_support::KeyChannel(server_.address(), key);
    auto stub = v1::SurveyService::NewStub(channel);
    grpc::ClientContext ctx;
    v1::GetSurveyResultsRequest req;
    req.set_scope(scope);
    *req.mutable_start_time() = rpc::ToProto(Helsinki(2026, 12, 1, 0, 0));
    *req.mutable_end_time() = rpc::ToProto(Helsinki(2027, 1, 1, 0, 0));
    return stub->GetSurveyResults(&ctx, req, out);
  }
};

// (option, n, percent) of a question's result.
std::vector<std::tuple<std::string, int, double>> Figures(const v1::SurveyQuestionResult& q) {
  std::vector<std::tuple<std::string, int, double>> out;
  for (const auto& o : q.options()) out.emplace_back(o.option(), o.n(), o.percent());
  return out;
}

TEST_P(SurveyServiceTest, LinkQrCodeAndCard) {
  Visit("visit-1", "kaisa", visit_);
  std::string png;
  const v1::TaskSurvey s = Survey("visit-1", v1::SURVEY_FORMAT_QR_PNG, &png);
  EXPECT_TRUE(std::regex_match(s.url(), std::regex(absl::StrCat(base_, "k/[a-hj-km-np-z2-9]{10}"))))
      << s.url();
  EXPECT_EQ(rpc::FromProto(s.open_time()), visit_);
  EXPECT_EQ(rpc::FromProto(s.close_time()), visit_ + absl::Minutes(90) + absl::Hours(7 * 24));
  EXPECT_EQ(s.answers(), 0);
  // The same survey every time.
  EXPECT_EQ(Survey("visit-1").url(), s.url());
  // The PNG is a QR code of the link: zbarimg reads it back.
  const std::string dir = testing_support::MakeTempDir();
  { std::ofstream(dir + "/qr.png", std::ios::binary) << png; }
  auto read =
      testing_support::RunProcess({"/usr/bin/zbarimg", "--quiet", "--raw", dir + "/qr.png"});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, s.url() + "\n");
  std::string svg;
  Survey("visit-1", v1::SURVEY_FORMAT_QR_SVG, &svg);
  EXPECT_TRUE(absl::StartsWith(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"")) << svg;
  std::string pdf;
  Survey("visit-1", v1::SURVEY_FORMAT_PDF, &pdf, "sv");
  const std::string text = testing_support::PdfText(pdf);
  EXPECT_THAT(text, HasSubstr("Berättavaddutyckte"));
  EXPECT_THAT(text, HasSubstr(absl::StrCat(s.url().substr(7))));
  EXPECT_THAT(text, HasSubstr("Enkätenäröppentill17.12.2026kl.11.30."));
  // The card's QR code decodes to the link too.
  { std::ofstream(dir + "/card.pdf", std::ios::binary) << pdf; }
  auto page = testing_support::RunProcess(
      {"/usr/bin/pdftoppm", "-png", "-r", "100", "-singlefile", dir + "/card.pdf", dir + "/card"});
  ASSERT_EQ(page.exit_code, 0) << page.err;
  read = testing_support::RunProcess({"/usr/bin/zbarimg", "--quiet", "--raw", dir + "/card.png"});
  EXPECT_EQ(read.out, s.url() + "\n") << read.err;
  std::filesystem::remove_all(dir);

  // Before an expert is confirmed there is no survey.
  testing_support::CreateOrder(
      *orders_, "ph", "unplaced", testing_support::SampleOrder("ph", "lyseo", visit_));
  grpc::ClientContext ctx;
  v1::GetTaskSurveyRequest req;
  req.set_name("exchanges/ph/orders/unplaced/survey");
  v1::GetTaskSurveyResponse resp;
  grpc::Status refused = surveys_->GetTaskSurvey(&ctx, req, &resp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  grpc::ClientContext ctx2;
  req.set_name("exchanges/ph/orders/unplaced");
  refused = surveys_->GetTaskSurvey(&ctx2, req, &resp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(refused),
      ElementsAre(std::pair<std::string, std::string>{
          "name", "must be exchanges/{exchange}/orders/{order}/survey"}));
}

// Two tasks of two experts: each one's figures are her own tasks', the
// exchange's both.
TEST_P(SurveyServiceTest, ScopesAddUp) {
  const absl::Time second = Helsinki(2026, 12, 11, 12, 0);
  Visit("visit-1", "kaisa", visit_);
  Visit("visit-2", "olli", second);
  const std::string first_url = Survey("visit-1").url();
  const std::string second_url = Survey("visit-2").url();
  EXPECT_NE(first_url, second_url);
  clock_.Set(second + absl::Hours(2));  // both surveys open
  for (int i = 0; i < 12; ++i) {
    HttpResult r = Post(i < 7 ? first_url : second_url, i % 3 ? "role=student" : "role=employee");
    ASSERT_EQ(r.status, 303) << i << ": " << r.body;
  }
  EXPECT_EQ(Survey("visit-1").answers(), 7);
  EXPECT_EQ(Survey("visit-2").answers(), 5);
  v1::GetSurveyResultsResponse all, kaisa, olli, lyseo;
  ASSERT_TRUE(Results("exchanges/ph", &all).ok());
  ASSERT_TRUE(Results("exchanges/ph/experts/kaisa", &kaisa).ok());
  ASSERT_TRUE(Results("exchanges/ph/experts/olli", &olli).ok());
  ASSERT_TRUE(Results("exchanges/ph/organizations/lyseo", &lyseo).ok());
  EXPECT_EQ(all.answers(), 12);
  EXPECT_EQ(all.tasks(), 2);
  EXPECT_EQ(kaisa.answers(), 7);
  EXPECT_EQ(kaisa.tasks(), 1);
  EXPECT_EQ(olli.answers(), 5);
  EXPECT_EQ(lyseo.answers(), 12);
  // i = 0, 3, 6 (kaisa's) and 9 (olli's) were employees.
  EXPECT_EQ(kaisa.questions(0).options(1).n(), 3);
  EXPECT_EQ(kaisa.questions(0).options(1).percent(), 42.9);
  EXPECT_EQ(olli.questions(0).options(1).n(), 1);
  EXPECT_EQ(all.questions(0).options(2).n(), 8);
  EXPECT_EQ(all.questions(0).options(2).percent(), 66.7);
  // A period without the tasks has no answers (and is suppressed).
  grpc::ClientContext ctx;
  v1::GetSurveyResultsRequest req;
  req.set_scope("exchanges/ph");
  *req.mutable_start_time() = rpc::ToProto(Helsinki(2027, 1, 1, 0, 0));
  *req.mutable_end_time() = rpc::ToProto(Helsinki(2026, 1, 1, 0, 0));
  v1::GetSurveyResultsResponse none;
  grpc::Status s = surveys_->GetSurveyResults(&ctx, req, &none);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(s),
      ElementsAre(std::pair<std::string, std::string>{"end_time", "must be after start_time"}));
}

TEST_P(SurveyServiceTest, GetSurveyResultsPrintsTheReportsFigures) {
  Visit("visit-1", "kaisa", visit_);
  const std::string url = Survey("visit-1").url();
  clock_.Set(visit_ + absl::Hours(1));
  for (const std::string& body : ReportAnswers()) {
    ASSERT_EQ(Post(url, body).status, 303);
  }
  v1::GetSurveyResultsResponse r;
  ASSERT_TRUE(Results("exchanges/ph", &r).ok());
  EXPECT_EQ(r.answers(), 827);
  EXPECT_EQ(r.tasks(), 1);
  EXPECT_EQ(r.suppression_threshold(), 5);
  EXPECT_FALSE(r.suppressed());
  ASSERT_EQ(r.questions_size(), 4);
  EXPECT_EQ(r.questions(0).text(), "Olen");
  EXPECT_EQ(r.questions(0).respondents(), 827);
  EXPECT_THAT(
      Figures(r.questions(0)),
      ElementsAre(
          std::tuple{"rehabilitee", 6, 0.7}, std::tuple{"employee", 35, 4.2},
          std::tuple{"student", 769, 93.0}, std::tuple{"other", 17, 2.1}));
  EXPECT_EQ(r.questions(0).options(2).label(), "Opiskelija");
  EXPECT_EQ(r.questions(1).respondents(), 818);
  EXPECT_EQ(r.questions(1).selections(), 1504);
  EXPECT_THAT(
      Figures(r.questions(1)),
      ElementsAre(
          std::tuple{"hope", 270, 33.0}, std::tuple{"compassion", 429, 52.4},
          std::tuple{"shame", 15, 1.8}, std::tuple{"anxiety", 92, 11.2},
          std::tuple{"fear", 37, 4.5}, std::tuple{"understanding", 571, 69.8},
          std::tuple{"other", 90, 11.0}));
  EXPECT_EQ(r.questions(2).respondents(), 822);
  EXPECT_THAT(
      Figures(r.questions(2)),
      ElementsAre(
          std::tuple{"fully_agree", 395, 48.0}, std::tuple{"partly_agree", 280, 34.1},
          std::tuple{"partly_disagree", 79, 9.6}, std::tuple{"fully_disagree", 68, 8.3}));
  EXPECT_EQ(r.questions(3).respondents(), 819);
  EXPECT_THAT(
      Figures(r.questions(3)),
      ElementsAre(
          std::tuple{"fully_agree", 402, 49.1}, std::tuple{"partly_agree", 325, 39.7},
          std::tuple{"partly_disagree", 48, 5.8}, std::tuple{"fully_disagree", 44, 5.4}));
  // The annual report prints the same tables.
  auto reports = v1::ReportService::NewStub(server_.channel());
  grpc::ClientContext rctx;
  v1::RenderAnnualReportRequest annual;
  annual.set_parent("exchanges/ph");
  annual.set_year(2026);
  v1::RenderAnnualReportResponse pdf;
  ASSERT_TRUE(reports->RenderAnnualReport(&rctx, annual, &pdf).ok());
  const std::string text = testing_support::PdfText(pdf.content());
  for (const char* row :
       {"Yleisönpalaute",
        "Kuulijatvastasivatnimettömäänkyselyyn827kertaa1tehtävänjälkeen.",
        "Olen(Vastaajienmäärä:827)",
        "Kuntoutuja60,7%",
        "Työntekijä354,2%",
        "Opiskelija76993,0%",
        "Muu,mikä?172,1%",
        "Kokemusasiantuntijaherättiminussa…(Vastaajienmäärä:818,valittujenvastaustenlukumäärä:"
        "1504)",
        "Toivoa27033,0%",
        "Myötätuntoa42952,4%",
        "Häpeää151,8%",
        "Ahdistusta9211,2%",
        "Pelkoa374,5%",
        "Ymmärrystä57169,8%",
        "Jotainmuuta,mitä?9011,0%",
        "Haluaisinkuullaenemmänkokemusasiantuntijoidenkertomuksia(Vastaajienmäärä:822)",
        "Täysinsamaamieltä39548,0%",
        "Osittainsamaamieltä28034,1%",
        "Osittainerimieltä799,6%",
        "Täysinerimieltä688,3%",
        "Täysinsamaamieltä40249,1%",
        "Osittainsamaamieltä32539,7%",
        "Osittainerimieltä485,8%",
        "Täysinerimieltä445,4%"}) {
    EXPECT_THAT(text, HasSubstr(row));
  }
  // Nationally the same (one exchange), for the national administrator.
  v1::GetSurveyResultsResponse national;
  ASSERT_TRUE(Results("exchanges/-", &national, server_.keys().Admin()).ok());
  EXPECT_EQ(national.answers(), 827);
  EXPECT_THAT(Figures(national.questions(2)), Figures(r.questions(2)));
  // The expert herself and the orderer see their own; not another's.
  const std::string kaisa = server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa");
  v1::GetSurveyResultsResponse own;
  ASSERT_TRUE(Results("exchanges/ph/experts/kaisa", &own, kaisa).ok());
  EXPECT_EQ(own.answers(), 827);
  ASSERT_TRUE(Results("exchanges/ph/orders/visit-1", &own, kaisa).ok());
  EXPECT_EQ(own.answers(), 827);
  EXPECT_EQ(
      Results("exchanges/ph/experts/olli", &own, kaisa).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Results("exchanges/ph", &own, kaisa).error_code(), grpc::StatusCode::NOT_FOUND);
  const std::string lyseo = server_.keys().Make(domain::AccessRole::kOrdererSystem, "ph", "lyseo");
  ASSERT_TRUE(Results("exchanges/ph/organizations/lyseo", &own, lyseo).ok());
  EXPECT_EQ(own.answers(), 827);
  const std::string olli = server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "olli");
  EXPECT_EQ(
      Results("exchanges/ph/orders/visit-1", &own, olli).error_code(), grpc::StatusCode::NOT_FOUND);
  // In Swedish.
  grpc::ClientContext ctx;
  v1::GetSurveyResultsRequest req;
  req.set_scope("exchanges/ph");
  *req.mutable_start_time() = rpc::ToProto(Helsinki(2026, 12, 1, 0, 0));
  *req.mutable_end_time() = rpc::ToProto(Helsinki(2027, 1, 1, 0, 0));
  req.set_language("sv");
  v1::GetSurveyResultsResponse sv;
  ASSERT_TRUE(surveys_->GetSurveyResults(&ctx, req, &sv).ok());
  EXPECT_EQ(sv.questions(2).options(0).label(), "Helt av samma åsikt");
}

TEST_P(SurveyServiceTest, OneAnswerPerBrowserInTheWindow) {
  Visit("visit-1", "kaisa", visit_);
  const std::string url = Survey("visit-1").url();
  const std::string path = url.substr(base_.size() - 1);
  // Before the visit: not open yet.
  EXPECT_EQ(Http("GET", url).status, 403);
  EXPECT_EQ(Post(url, "role=student").status, 403);
  clock_.Set(visit_);
  HttpResult page = Http("GET", url, "", {"Accept-Language: en"});
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.body, HasSubstr("<legend>I am</legend>"));
  EXPECT_THAT(page.body, HasSubstr("Every question is optional."));
  EXPECT_THAT(page.body, Not(HasSubstr("<script")));
  // Refusals name the question, and nothing is stored.
  HttpResult bad = Post(url, "role=teacher&hear_more=fully_agree");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("Olen: Valitse jokin vaihtoehdoista."));
  EXPECT_THAT(
      bad.body, HasSubstr("id=\"hear_more-fully_agree\" name=\"hear_more\" type=\"radio\" "
                          "value=\"fully_agree\" checked"));
  EXPECT_EQ(Post(url, "").status, 400);
  EXPECT_EQ(Post(url, "role=student,employee").status, 400);
  EXPECT_EQ(Survey("visit-1").answers(), 0);
  // An answer; the browser's cookie then refuses a second one.
  HttpResult ok = Post(url, "role=student&feelings=hope&feelings=understanding");
  ASSERT_EQ(ok.status, 303);
  EXPECT_EQ(ok.headers["location"], path + "?done=1");
  const std::string cookie = ok.headers["set-cookie"];
  EXPECT_EQ(
      cookie, absl::StrCat(
                  "kokemus_answered=1; Path=", path, "; Max-Age=", 90 * 60 + 7 * 24 * 3600,
                  "; HttpOnly; SameSite=Lax"));
  HttpResult thanks = Http("GET", url + "?done=1", "", {"Cookie: kokemus_answered=1"});
  EXPECT_EQ(thanks.status, 200);
  EXPECT_THAT(thanks.body, HasSubstr("Kiitos vastauksestasi!"));
  HttpResult again = Post(url, "role=student", "kokemus_answered=1");
  EXPECT_EQ(again.status, 409);
  EXPECT_THAT(again.body, HasSubstr("Tästä selaimesta on jo vastattu tähän kyselyyn."));
  EXPECT_EQ(Survey("visit-1").answers(), 1);
  // After the window: closed. An unknown code: not found.
  clock_.Set(visit_ + absl::Minutes(90) + absl::Hours(7 * 24));
  EXPECT_EQ(Post(url, "role=student").status, 410);
  EXPECT_EQ(Http("GET", base_ + "k/aaaaaaaaaa").status, 404);
  EXPECT_EQ(Survey("visit-1").answers(), 1);
  // A cancelled visit's survey takes no answers.
  Visit("visit-2", "kaisa", visit_ + absl::Hours(24 * 30));
  const std::string second = Survey("visit-2").url();
  clock_.Set(visit_ + absl::Hours(24 * 30));
  EXPECT_EQ(Http("GET", second).status, 200);
  grpc::ClientContext ctx;
  v1::CancelOrderRequest cancel;
  cancel.set_name("exchanges/ph/orders/visit-2");
  cancel.set_cancelled_by(v1::CANCELLED_BY_EXCHANGE);
  v1::CancelOrderResponse cancelled;
  ASSERT_TRUE(orders_->CancelOrder(&ctx, cancel, &cancelled).ok());
  EXPECT_EQ(Http("GET", second).status, 410);
  EXPECT_EQ(Post(second, "role=student").status, 410);
}

TEST_P(SurveyServiceTest, FreeTextsAreReadFirstAndHiddenOnesGoNowhere) {
  Visit("visit-1", "kaisa", visit_);
  const std::string url = Survey("visit-1").url();
  clock_.Set(visit_ + absl::Hours(1));
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Post(url, "role=student").status, 303);
  ASSERT_EQ(
      Post(url, "role=student&free_word=Kiitos%2C+toivoa+el%C3%A4m%C3%A4%C3%A4n").status, 303);
  ASSERT_EQ(Post(url, "role=other&role.other.what=Rehtori+Liisa+Laine").status, 303);
  v1::GetSurveyResultsResponse r;
  ASSERT_TRUE(Results("exchanges/ph", &r).ok());
  EXPECT_THAT(r.comments(), IsEmpty());  // none read yet

  grpc::ClientContext ctx;
  v1::ListSurveyCommentsRequest list;
  list.set_parent("exchanges/ph");
  list.set_state(v1::SurveyComment::STATE_NEW);
  v1::ListSurveyCommentsResponse comments;
  ASSERT_TRUE(surveys_->ListSurveyComments(&ctx, list, &comments).ok());
  ASSERT_EQ(comments.comments_size(), 2);
  std::map<std::string, v1::SurveyComment> by_text;
  for (const auto& c : comments.comments()) by_text[c.text()] = c;
  ASSERT_EQ(by_text.count("Kiitos, toivoa elämään"), 1u);
  EXPECT_EQ(by_text["Kiitos, toivoa elämään"].question(), "free_word");
  EXPECT_EQ(by_text["Kiitos, toivoa elämään"].order(), "exchanges/ph/orders/visit-1");
  EXPECT_EQ(by_text["Rehtori Liisa Laine"].question(), "role");
  EXPECT_EQ(by_text["Rehtori Liisa Laine"].option(), "other");
  auto review = [&](const v1::SurveyComment& c, v1::SurveyComment::State state) {
    grpc::ClientContext rctx;
    v1::ReviewSurveyCommentRequest req;
    req.set_name(c.name());
    req.set_state(state);
    v1::ReviewSurveyCommentResponse resp;
    grpc::Status s = surveys_->ReviewSurveyComment(&rctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.comment().state(), state);
  };
  review(by_text["Kiitos, toivoa elämään"], v1::SurveyComment::STATE_SHOWN);
  review(by_text["Rehtori Liisa Laine"], v1::SurveyComment::STATE_HIDDEN);
  ASSERT_TRUE(Results("exchanges/ph", &r).ok());
  EXPECT_THAT(r.comments(), ElementsAre("Kiitos, toivoa elämään"));
  // The expert sees the shown one on her own figures.
  const std::string kaisa = server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa");
  ASSERT_TRUE(Results("exchanges/ph/experts/kaisa", &r, kaisa).ok());
  EXPECT_THAT(r.comments(), ElementsAre("Kiitos, toivoa elämään"));
  // A state other than shown or hidden is refused by name.
  grpc::ClientContext bctx;
  v1::ReviewSurveyCommentRequest bad;
  bad.set_name(by_text["Rehtori Liisa Laine"].name());
  bad.set_state(v1::SurveyComment::STATE_NEW);
  v1::ReviewSurveyCommentResponse ignored;
  grpc::Status s = surveys_->ReviewSurveyComment(&bctx, bad, &ignored);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(s), ElementsAre(std::pair<std::string, std::string>{
                                          "state", "must be STATE_SHOWN or STATE_HIDDEN"}));
}

TEST_P(SurveyServiceTest, SmallGroupsAreSuppressedExceptForTheCoordinatorsTask) {
  Visit("visit-1", "kaisa", visit_);
  const std::string url = Survey("visit-1").url();
  clock_.Set(visit_ + absl::Hours(1));
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(Post(url, "role=employee&hear_more=fully_agree").status, 303);
  v1::GetSurveyResultsResponse r;
  ASSERT_TRUE(Results("exchanges/ph/orders/visit-1", &r).ok());
  EXPECT_FALSE(r.suppressed());
  EXPECT_EQ(r.suppression_threshold(), 0);
  EXPECT_EQ(r.answers(), 3);
  EXPECT_THAT(
      Figures(r.questions(0)),
      ElementsAre(
          std::tuple{"rehabilitee", 0, 0.0}, std::tuple{"employee", 3, 100.0},
          std::tuple{"student", 0, 0.0}, std::tuple{"other", 0, 0.0}));
  const std::string kaisa = server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa");
  ASSERT_TRUE(Results("exchanges/ph/orders/visit-1", &r, kaisa).ok());
  EXPECT_TRUE(r.suppressed());
  EXPECT_EQ(r.answers(), 0);
  EXPECT_EQ(r.suppression_threshold(), 5);
  EXPECT_TRUE(r.questions(0).suppressed());
  EXPECT_THAT(r.questions(0).options(), IsEmpty());
  ASSERT_TRUE(Results("exchanges/ph", &r).ok());
  EXPECT_TRUE(r.suppressed());
}

TEST_P(SurveyServiceTest, OwnQuestionsInTheTemplate) {
  grpc::ClientContext ctx;
  v1::UpdateSurveyTemplateRequest req;
  req.mutable_template_()->set_name("exchanges/ph/surveyTemplate");
  v1::SurveyQuestion& q = *req.mutable_template_()->add_questions();
  q.set_id("useful");
  q.set_kind(v1::SurveyQuestion::KIND_AGREEMENT);
  q.mutable_text()->set_fi("Luento oli hyödyllinen");
  req.mutable_template_()->set_open_days(14);
  req.mutable_template_()->set_suppression_threshold(3);
  v1::UpdateSurveyTemplateResponse resp;
  grpc::Status s = surveys_->UpdateSurveyTemplate(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.template_().questions_size(), 6);
  EXPECT_TRUE(resp.template_().questions(0).built_in());
  EXPECT_EQ(resp.template_().questions(5).id(), "useful");
  EXPECT_FALSE(resp.template_().questions(5).built_in());
  EXPECT_EQ(resp.template_().questions(5).options_size(), 4);
  // A read template given back whole keeps the same questions.
  grpc::ClientContext ctx2;
  v1::UpdateSurveyTemplateRequest same;
  *same.mutable_template_() = resp.template_();
  ASSERT_TRUE(surveys_->UpdateSurveyTemplate(&ctx2, same, &resp).ok());
  EXPECT_EQ(resp.template_().questions_size(), 6);

  Visit("visit-1", "kaisa", visit_);
  const v1::TaskSurvey survey = Survey("visit-1");
  EXPECT_EQ(rpc::FromProto(survey.close_time()), visit_ + absl::Minutes(90) + absl::Hours(14 * 24));
  clock_.Set(visit_ + absl::Hours(1));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Post(survey.url(), "useful=partly_agree").status, 303);
  const std::string kaisa = server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa");
  v1::GetSurveyResultsResponse r;
  ASSERT_TRUE(Results("exchanges/ph/experts/kaisa", &r, kaisa).ok());
  ASSERT_EQ(r.questions_size(), 5);
  EXPECT_EQ(r.questions(4).text(), "Luento oli hyödyllinen");
  EXPECT_EQ(r.questions(4).respondents(), 3);
  EXPECT_EQ(r.questions(4).options(1).n(), 3);
  EXPECT_EQ(r.questions(4).options(1).percent(), 100.0);
  // The built-in ones nobody answered are below 3: suppressed alone.
  EXPECT_TRUE(r.questions(0).suppressed());

  grpc::ClientContext ctx3;
  v1::UpdateSurveyTemplateRequest bad;
  bad.mutable_template_()->set_name("exchanges/ph/surveyTemplate");
  v1::SurveyQuestion& b = *bad.mutable_template_()->add_questions();
  b.set_id("role");
  b.set_kind(v1::SurveyQuestion::KIND_SINGLE_CHOICE);
  bad.mutable_template_()->set_open_days(61);
  s = surveys_->UpdateSurveyTemplate(&ctx3, bad, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(s),
      ElementsAre(
          std::pair<std::string, std::string>{
              "template.questions[0].id", "is a built-in question's id"},
          std::pair<std::string, std::string>{"template.questions[0].text.fi", "is required"},
          std::pair<std::string, std::string>{"template.questions[0].options", "must be 2 to 10"},
          std::pair<std::string, std::string>{"template.open_days", "must be 1 to 60"}));
}

// The expert's reflection asks whether she got support afterwards; an
// exchange that keeps reflections anonymous shows the coordinator their
// answers only for groups of 5 experts or more.
TEST_P(SurveyServiceTest, ReflectionsAskAboutSupportAndCanBeAnonymous) {
  Visit("visit-1", "kaisa", visit_);
  clock_.Set(visit_ + absl::Hours(3));
  const std::string assignment = "exchanges/ph/orders/visit-1/assignments/kaisa";
  {
    grpc::ClientContext ctx;
    v1::CompleteAssignmentRequest req;
    req.set_name(assignment);
    v1::CompleteAssignmentResponse resp;
    grpc::Status s = orders_->CompleteAssignment(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  auto submit = [&](const std::string& key, v1::Feedback f) {
    auto stub = v1::OrderService::NewStub(testing_support::KeyChannel(server_.address(), key));
    grpc::ClientContext ctx;
    v1::SubmitFeedbackRequest req;
    req.set_parent(assignment);
    *req.mutable_feedback() = f;
    v1::SubmitFeedbackResponse resp;
    return stub->SubmitFeedback(&ctx, req, &resp);
  };
  const std::string lyseo = server_.keys().Make(
      domain::AccessRole::kOrdererSystem, "ph", "lyseo", "", absl::Hours(24 * 30));
  v1::Feedback rating;
  rating.set_source(v1::Feedback::SOURCE_ORDERER);
  rating.set_overall_rating(5);
  rating.set_support_afterwards(v1::SUPPORT_AFTERWARDS_YES);
  grpc::Status refused = submit(lyseo, rating);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      testing_support::Violations(refused),
      ElementsAre(std::pair<std::string, std::string>{
          "feedback.support_afterwards", "is the expert's to give"}));
  rating.clear_support_afterwards();
  ASSERT_TRUE(submit(lyseo, rating).ok());
  v1::Feedback reflection;
  reflection.set_source(v1::Feedback::SOURCE_EXPERT);
  reflection.set_heaviness(4);
  reflection.set_setting_safe(true);
  reflection.set_support_afterwards(v1::SUPPORT_AFTERWARDS_NO);
  const std::string kaisa =
      server_.keys().Make(domain::AccessRole::kExpert, "ph", "", "kaisa", absl::Hours(24 * 30));
  grpc::Status given = submit(kaisa, reflection);
  ASSERT_TRUE(given.ok()) << given.error_message();

  auto summary = [&] {
    auto reports = v1::ReportService::NewStub(server_.channel());
    grpc::ClientContext ctx;
    v1::GetFeedbackSummaryRequest req;
    req.set_parent("exchanges/ph");
    *req.mutable_start_time() = rpc::ToProto(Helsinki(2026, 12, 1, 0, 0));
    *req.mutable_end_time() = rpc::ToProto(Helsinki(2027, 1, 1, 0, 0));
    v1::GetFeedbackSummaryResponse resp;
    EXPECT_TRUE(reports->GetFeedbackSummary(&ctx, req, &resp).ok());
    std::vector<std::string> asked;
    for (const auto& q : resp.groups(0).questions()) {
      asked.push_back(absl::StrCat(q.question(), " ", q.answers()));
    }
    return std::make_pair(asked, resp);
  };
  auto [asked, open] = summary();
  EXPECT_THAT(
      asked, ElementsAre(
                 "orderer.overall_rating 1", "orderer.content_rating 0", "expert.heaviness 1",
                 "expert.setting_safe 1", "expert.support_afterwards 1"));
  EXPECT_EQ(open.groups(0).questions(4).options(1).option(), "no");
  EXPECT_EQ(open.groups(0).questions(4).options(1).n(), 1);

  grpc::ClientContext ctx;
  v1::UpdateSurveyTemplateRequest req;
  req.mutable_template_()->set_name("exchanges/ph/surveyTemplate");
  req.mutable_template_()->set_anonymous_reflections(true);
  v1::UpdateSurveyTemplateResponse resp;
  ASSERT_TRUE(surveys_->UpdateSurveyTemplate(&ctx, req, &resp).ok());
  EXPECT_TRUE(resp.template_().anonymous_reflections());
  asked = summary().first;
  EXPECT_THAT(asked, ElementsAre("orderer.overall_rating 1", "orderer.content_rating 0"));
}

// No stored answer carries an address, a browser or a time: the tables'
// columns are exactly these, and no value holds the client's address or
// its User-Agent.
TEST_P(SurveyServiceTest, TheTablesHoldNoIdentifier) {
  Visit("visit-1", "kaisa", visit_);
  const std::string url = Survey("visit-1").url();
  clock_.Set(visit_ + absl::Hours(1));
  ASSERT_EQ(Post(url, "role=student&feelings=hope&free_word=Kiitos").status, 303);
  std::map<std::string, std::vector<std::string>> columns;
  std::vector<std::string> values;
  storage::Database& db = server_.keys().database();
  for (const char* table : {"surveys", "survey_answers", "survey_choices", "survey_comments"}) {
    absl::Status s = db.Read([&](soci::session& sql) {
      soci::rowset<soci::row> rows = sql.prepare << "SELECT * FROM " << table;
      for (const soci::row& row : rows) {
        for (size_t i = 0; i < row.size(); ++i) {
          if (columns[table].size() < row.size()) {
            columns[table].push_back(row.get_properties(i).get_name());
          }
          if (row.get_indicator(i) == soci::i_ok &&
              row.get_properties(i).get_data_type() == soci::dt_string) {
            values.push_back(row.get<std::string>(i));
          }
        }
      }
      return absl::OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s;
  }
  EXPECT_THAT(columns["surveys"], ElementsAre("exchange_id", "order_id", "code"));
  EXPECT_THAT(columns["survey_answers"], ElementsAre("exchange_id", "order_id", "id"));
  EXPECT_THAT(
      columns["survey_choices"],
      ElementsAre("exchange_id", "order_id", "answer_id", "question", "choice"));
  EXPECT_THAT(
      columns["survey_comments"],
      ElementsAre("exchange_id", "id", "order_id", "question", "choice", "body", "state"));
  for (const std::string& v : values) {
    EXPECT_THAT(v, Not(HasSubstr("127.0.0.1")));
    EXPECT_THAT(v, Not(HasSubstr("KokemusTestBrowser")));
    EXPECT_THAT(v, Not(HasSubstr("Pixel")));
  }
  EXPECT_EQ(values.size(), 3u + 3u + 2u * 5u + 7u);
}

INSTANTIATE_TEST_SUITE_P(
    Db, SurveyServiceTest, testing_support::kAllBackends, testing_support::BackendName);

}  // namespace
}  // namespace kokemus

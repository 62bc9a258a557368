#include "services/storage/contract_store.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/domain/digest.h"
#include "services/domain/order_lifecycle.h"
#include "services/domain/validation.h"
#include "services/storage/order_rows.h"
#include "services/storage/outbox_store.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kMaxTemplateVersion[] =
    "SELECT COALESCE(MAX(version), 0) FROM contract_templates WHERE exchange_id = "
    ":exchange_id AND language = :language";
constexpr char kInsertTemplate[] =
    "INSERT INTO contract_templates (exchange_id, language, version, body, create_time) "
    "VALUES (:exchange_id, :language, :version, :body, :create_time)";
constexpr char kSelectTemplate[] =
    "SELECT t.exchange_id, t.language, t.version, t.body, t.create_time, "
    "COALESCE(a.version, -1) FROM contract_templates t LEFT JOIN active_contract_templates a "
    "ON a.exchange_id = t.exchange_id AND a.language = t.language AND a.version = t.version "
    "WHERE t.exchange_id = :exchange_id AND t.language = :language AND t.version = :version";
constexpr char kSelectActiveTemplate[] =
    "SELECT t.exchange_id, t.language, t.version, t.body, t.create_time, a.version FROM "
    "active_contract_templates a JOIN contract_templates t ON a.exchange_id = t.exchange_id "
    "AND a.language = t.language AND a.version = t.version WHERE a.exchange_id = "
    ":exchange_id AND a.language = :language";
constexpr char kSelectTemplatePage[] =
    "SELECT t.exchange_id, t.language, t.version, t.body, t.create_time, "
    "COALESCE(a.version, -1) FROM contract_templates t LEFT JOIN active_contract_templates a "
    "ON a.exchange_id = t.exchange_id AND a.language = t.language AND a.version = t.version "
    "WHERE t.exchange_id = :exchange_id AND (t.language > :l1 OR (t.language = :l2 AND "
    "t.version > :v)) ORDER BY t.language, t.version LIMIT :limit";
constexpr char kDeleteActive[] =
    "DELETE FROM active_contract_templates WHERE exchange_id = :exchange_id AND language = "
    ":language";
constexpr char kInsertActive[] =
    "INSERT INTO active_contract_templates (exchange_id, language, version) VALUES "
    "(:exchange_id, :language, :version)";

constexpr char kContractColumns[] =
    "exchange_id, id, order_id, assignment_id, language, template_version, version, sha256, "
    "create_time, accepted_time, accepted_name, superseded_by, accepted_by, accepted_via, "
    "text_sha256, accepted_sha256";
constexpr char kInsertContract[] =
    "INSERT INTO contracts (exchange_id, id, order_id, assignment_id, language, "
    "template_version, version, sha256, pdf_base64, plain_text, create_time, accepted_time, "
    "accepted_name, superseded_by, text_sha256, marked_text) VALUES (:exchange_id, :id, "
    ":order_id, :assignment_id, :language, :template_version, :version, :sha256, :pdf_base64, "
    ":plain_text, :create_time, :accepted_time, :accepted_name, :superseded_by, :text_sha256, "
    ":marked_text)";
constexpr char kSelectLatestContract[] =
    "SELECT exchange_id, id, order_id, assignment_id, language, template_version, version, "
    "sha256, create_time, accepted_time, accepted_name, superseded_by, accepted_by, accepted_via, "
    "text_sha256, accepted_sha256 FROM contracts WHERE "
    "exchange_id = :exchange_id AND order_id = :order_id AND assignment_id = :assignment_id "
    "AND language = :language ORDER BY version DESC LIMIT 1";
constexpr char kSelectContract[] =
    "SELECT exchange_id, id, order_id, assignment_id, language, template_version, version, "
    "sha256, create_time, accepted_time, accepted_name, superseded_by, accepted_by, accepted_via, "
    "text_sha256, accepted_sha256 FROM contracts WHERE "
    "exchange_id = :exchange_id AND id = :id";
constexpr char kSelectPdf[] =
    "SELECT CASE WHEN accepted_pdf_base64 = '' THEN pdf_base64 ELSE accepted_pdf_base64 END "
    "FROM contracts WHERE exchange_id = :exchange_id AND id = :id";
constexpr char kSelectText[] =
    "SELECT plain_text FROM contracts WHERE exchange_id = :exchange_id AND id = :id";
constexpr char kSelectMarked[] =
    "SELECT marked_text FROM contracts WHERE exchange_id = :exchange_id AND id = :id";
// ListContracts: newest first, by (create_time, id) from the page token's
// cursor; "assignment" filters by "order/assignment".
constexpr char kContractsInExchange[] = "exchange_id = :exchange_id";
constexpr char kContractsAfterCursor[] =
    " AND (create_time < :t1 OR (create_time = :t2 AND id < :id))";
constexpr char kContractsPageOrder[] = " ORDER BY create_time DESC, id DESC LIMIT :limit";
constexpr FilterSql kContractFilters[] = {
    {"assignment", "=", "", "order_id = :v AND assignment_id = :w", FilterSql::Bind::kPair},
    // An expert's own contracts: those of her assignments.
    {"expert", "=", "",
     "EXISTS (SELECT 1 FROM assignments a WHERE a.exchange_id = contracts.exchange_id AND "
     "a.order_id = contracts.order_id AND a.id = contracts.assignment_id AND a.expert_id = :v)"},
};
constexpr char kSupersede[] =
    "UPDATE contracts SET superseded_by = :by WHERE exchange_id = :exchange_id AND id = :id";
constexpr char kAccept[] =
    "UPDATE contracts SET accepted_time = :time, accepted_name = :name, accepted_by = :by, "
    "accepted_via = :via, accepted_pdf_base64 = :pdf, accepted_sha256 = :sha WHERE exchange_id "
    "= :exchange_id AND id = :id AND accepted_time = 0 AND superseded_by = ''";
constexpr char kAssignmentExpert[] =
    "SELECT expert_id FROM assignments WHERE exchange_id = :x AND order_id = :o AND id = :a";

StoredTemplate ReadTemplate(const soci::row& row) {
  RowReader r(row);
  StoredTemplate t;
  t.exchange_id = r.Text();
  t.language = r.Text();
  t.version = static_cast<int>(r.Int());
  t.body = r.Text();
  t.create_time = r.Time();
  t.active = r.Int() >= 0;
  return t;
}

StoredContract ReadContract(const soci::row& row) {
  RowReader r(row);
  StoredContract c;
  c.exchange_id = r.Text();
  c.id = r.Text();
  c.order_id = r.Text();
  c.assignment_id = r.Text();
  c.language = r.Text();
  c.template_version = static_cast<int>(r.Int());
  c.version = static_cast<int>(r.Int());
  c.sha256 = r.Text();
  c.create_time = r.Time();
  c.accepted_time = r.Time();
  c.accepted_name = r.Text();
  c.superseded_by = r.Text();
  c.accepted_by = r.Text();
  c.accepted_via = r.Text();
  c.text_sha256 = r.Text();
  c.accepted_sha256 = r.Text();
  return c;
}

std::string ContractName(const std::string& exchange_id, const std::string& id) {
  return domain::ChildResourceName(exchange_id, "contracts", id);
}

absl::StatusOr<StoredContract> SelectContract(soci::session& sql, const Key& key) {
  auto rows = Query<StoredContract>(sql, kSelectContract, {key.exchange_id, key.id}, ReadContract);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat(ContractName(key.exchange_id, key.id), " not found"));
  }
  return rows.front();
}

// The contract when `expert_id` holds its assignment; another's contract
// answers like a missing one.
absl::StatusOr<StoredContract> SelectHeldContract(
    soci::session& sql, const Key& key, const std::string& expert_id) {
  auto c = SelectContract(sql, key);
  if (!c.ok()) return c.status();
  auto holder = Query<std::string>(
      sql, kAssignmentExpert, {key.exchange_id, c->order_id, c->assignment_id},
      [](const soci::row& row) { return RowReader(row).Text(); });
  if (holder.empty() || holder.front() != expert_id) {
    return absl::NotFoundError(absl::StrCat(ContractName(key.exchange_id, key.id), " not found"));
  }
  return c;
}

}  // namespace

absl::StatusOr<StoredTemplate> ContractStore::CreateTemplate(
    const std::string& exchange_id, const std::string& language, const std::string& body,
    absl::Time now) {
  StoredTemplate t{exchange_id, language, 0, body, true, now};
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    t.version = static_cast<int>(Count(sql, kMaxTemplateVersion, {exchange_id, language})) + 1;
    Execute(
        sql, kInsertTemplate,
        {exchange_id, language, static_cast<long long>(t.version), body, Micros(now)});
    Execute(sql, kDeleteActive, {exchange_id, language});
    Execute(sql, kInsertActive, {exchange_id, language, static_cast<long long>(t.version)});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return t;
}

absl::StatusOr<StoredTemplate> ContractStore::GetTemplate(
    const std::string& exchange_id, const std::string& language, int version) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<StoredTemplate> {
    auto rows = Query<StoredTemplate>(
        sql, kSelectTemplate, {exchange_id, language, static_cast<long long>(version)},
        ReadTemplate);
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat(
          domain::ExchangeName(exchange_id), "/contractTemplates/", language, "-", version,
          " not found"));
    }
    return rows.front();
  });
}

absl::StatusOr<std::optional<StoredTemplate>> ContractStore::ActiveTemplate(
    const std::string& exchange_id, const std::string& language) {
  std::optional<StoredTemplate> result;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    auto rows =
        Query<StoredTemplate>(sql, kSelectActiveTemplate, {exchange_id, language}, ReadTemplate);
    if (!rows.empty()) result = rows.front();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status ContractStore::ActivateTemplate(
    const std::string& exchange_id, const std::string& language, int version) {
  return db_.Write([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    if (version > 0 && Query<StoredTemplate>(
                           sql, kSelectTemplate,
                           {exchange_id, language, static_cast<long long>(version)}, ReadTemplate)
                           .empty()) {
      return absl::NotFoundError(absl::StrCat(
          domain::ExchangeName(exchange_id), "/contractTemplates/", language, "-", version,
          " not found"));
    }
    Execute(sql, kDeleteActive, {exchange_id, language});
    if (version > 0) {
      Execute(sql, kInsertActive, {exchange_id, language, static_cast<long long>(version)});
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<StoredTemplate>> ContractStore::ListTemplates(
    const std::string& exchange_id, const domain::ListQuery& query) {
  Page<StoredTemplate> page;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    std::string language;
    long long version = 0;
    if (!query.after_id.empty()) {
      std::pair<std::string, std::string> cursor = absl::StrSplit(query.after_id, '/');
      language = cursor.first;
      if (!absl::SimpleAtoi(cursor.second, &version)) {
        return domain::InvalidField("page_token", "not a page token from this service");
      }
    }
    page.items = Query<StoredTemplate>(
        sql, kSelectTemplatePage,
        {exchange_id, language, language, version, static_cast<long long>(query.page_size + 1)},
        ReadTemplate);
    FinishPage(page, query, [](const StoredTemplate& t) {
      return absl::StrCat(t.language, "/", t.version);
    });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<StoredContract> ContractStore::SaveContract(
    StoredContract c, const std::string& pdf, const std::string& plain_text,
    const std::string& marked_text) {
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    auto latest = Query<StoredContract>(
        sql, kSelectLatestContract, {c.exchange_id, c.order_id, c.assignment_id, c.language},
        ReadContract);
    // The same text is the same contract (each PDF differs: it shows its id).
    if (!latest.empty() && !latest.front().text_sha256.empty() &&
        latest.front().text_sha256 == c.text_sha256) {
      c = latest.front();
      return absl::OkStatus();
    }
    c.version = latest.empty() ? 1 : latest.front().version + 1;
    Execute(
        sql, kInsertContract,
        {c.exchange_id, c.id, c.order_id, c.assignment_id, c.language,
         static_cast<long long>(c.template_version), static_cast<long long>(c.version), c.sha256,
         absl::Base64Escape(pdf), plain_text, Micros(c.create_time), 0LL, std::string(),
         std::string(), c.text_sha256, marked_text});
    if (!latest.empty()) {
      Execute(sql, kSupersede, {c.id, c.exchange_id, latest.front().id});
    }
    // The expert is asked to accept it, in the same transaction.
    order_rows::OrderTx tx(sql, db_.dialect());
    auto assignment = tx.GetAssignment({c.exchange_id, c.order_id, c.assignment_id}, false);
    if (!assignment.ok()) return assignment.status();
    auto order = tx.GetOrder(c.exchange_id, c.order_id, false);
    if (!order.ok()) return order.status();
    return OutboxStore::EnqueueContractReady(sql, *assignment, *order, c.create_time);
  });
  if (!status.ok()) return status;
  return c;
}

absl::StatusOr<StoredContract> ContractStore::GetContract(const Key& key) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<StoredContract> {
    return SelectContract(sql, key);
  });
}

absl::StatusOr<StoredContract> ContractStore::GetHeldContract(
    const Key& key, const std::string& expert_id) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<StoredContract> {
    return SelectHeldContract(sql, key, expert_id);
  });
}

absl::StatusOr<std::string> ContractStore::GetDocument(const Key& key, bool pdf) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<std::string> {
    auto rows = Query<std::string>(
        sql, pdf ? kSelectPdf : kSelectText, {key.exchange_id, key.id},
        [](const soci::row& row) { return RowReader(row).Text(); });
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat(ContractName(key.exchange_id, key.id), " not found"));
    }
    if (!pdf) {
      return rows.front();
    }
    std::string bytes;
    if (!absl::Base64Unescape(rows.front(), &bytes)) {
      return absl::DataLossError("the stored document is damaged");
    }
    return bytes;
  });
}

absl::StatusOr<std::string> ContractStore::GetMarkedText(const Key& key) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<std::string> {
    auto rows = Query<std::string>(
        sql, kSelectMarked, {key.exchange_id, key.id},
        [](const soci::row& row) { return RowReader(row).Text(); });
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat(ContractName(key.exchange_id, key.id), " not found"));
    }
    return rows.front();
  });
}

absl::StatusOr<Page<StoredContract>> ContractStore::ListContracts(
    const std::string& exchange_id, const domain::ListQuery& query) {
  Page<StoredContract> page;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    Record values = {exchange_id};
    std::string where = kContractsInExchange;
    if (!query.after_id.empty()) {
      std::pair<std::string, std::string> cursor = absl::StrSplit(query.after_id, '/');
      long long time = 0;
      if (!absl::SimpleAtoi(cursor.first, &time)) {
        return domain::InvalidField("page_token", "not a page token from this service");
      }
      absl::StrAppend(&where, kContractsAfterCursor);
      values.insert(values.end(), {time, time, cursor.second});
    }
    if (absl::Status s = AppendFilters(kContractFilters, query.terms, db_.Now(), where, values);
        !s.ok()) {
      return s;
    }
    values.push_back(static_cast<long long>(query.page_size + 1));
    static const std::string kSelect =
        absl::StrCat("SELECT ", kContractColumns, " FROM contracts WHERE ");
    page.items = Query<StoredContract>(
        sql, absl::StrCat(kSelect, where, kContractsPageOrder), std::move(values), ReadContract);
    FinishPage(page, query, [](const StoredContract& c) {
      return absl::StrCat(Micros(c.create_time), "/", c.id);
    });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<StoredContract> ContractStore::Accept(
    const Key& key, const std::string& full_name, const std::string& expert_id,
    const std::string& via, absl::Time now, const std::string& accepted_pdf) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<StoredContract> {
    auto c = SelectHeldContract(sql, key, expert_id);
    if (!c.ok()) return c.status();
    if (absl::Status s = domain::CheckContractAcceptance(
            c->superseded_by.empty() ? "" : ContractName(key.exchange_id, c->superseded_by),
            c->accepted_time != absl::UnixEpoch());
        !s.ok()) {
      return s;
    }
    const std::string accepted_sha256 =
        accepted_pdf.empty() ? std::string() : domain::Sha256Hex(accepted_pdf);
    if (Execute(
            sql, kAccept,
            {Micros(now), full_name, expert_id, via, absl::Base64Escape(accepted_pdf),
             accepted_sha256, key.exchange_id, key.id}) != 1) {
      return absl::AbortedError("the contract changed meanwhile; retry");
    }
    c->accepted_sha256 = accepted_sha256;
    c->accepted_time = now;
    c->accepted_name = full_name;
    c->accepted_by = expert_id;
    c->accepted_via = via;
    return *c;
  });
}

}  // namespace kokemus::storage

#include "services/storage/message_template_store.h"

#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kSelectAll[] =
    "SELECT id, subject, body, update_time FROM message_templates WHERE exchange_id = :x";
constexpr char kSelectOne[] =
    "SELECT id, subject, body, update_time FROM message_templates WHERE exchange_id = :x AND "
    "id = :id";
constexpr char kUpsert[] =
    "INSERT INTO message_templates (exchange_id, id, subject, body, update_time) VALUES (:x, "
    ":id, :subject, :body, :t) ON CONFLICT (exchange_id, id) DO UPDATE SET subject = "
    "excluded.subject, body = excluded.body, update_time = excluded.update_time";
constexpr char kDelete[] = "DELETE FROM message_templates WHERE exchange_id = :x AND id = :id";

struct Row {
  std::string id;
  std::string subject;
  std::string body;
  absl::Time update_time;
};

std::vector<Row> ReadRows(soci::session& sql, const char* query, Record values) {
  return Query<Row>(sql, query, std::move(values), [](const soci::row& row) {
    RowReader r(row);
    Row out;
    out.id = r.Text();
    out.subject = r.Text();
    out.body = r.Text();
    out.update_time = r.Time();
    return out;
  });
}

// The wording in use: the row's over the built-in one's.
StoredMessageTemplate InUse(const domain::MessageTemplate& built_in, const Row* row) {
  StoredMessageTemplate out{built_in, false, absl::UnixEpoch()};
  if (row != nullptr) {
    out.wording.subject = row->subject;
    out.wording.body = row->body;
    out.customized = true;
    out.update_time = row->update_time;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<StoredMessageTemplate>> MessageTemplateStore::List(
    const std::string& exchange_id) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<std::vector<StoredMessageTemplate>> {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    const std::vector<Row> rows = ReadRows(sql, kSelectAll, {exchange_id});
    std::vector<StoredMessageTemplate> out;
    for (const domain::MessageTemplate& t : domain::BuiltInMessageTemplates()) {
      const std::string id = domain::MessageTemplateId(t.kind, t.to, t.language);
      const Row* own = nullptr;
      for (const Row& row : rows) {
        if (row.id == id) own = &row;
      }
      out.push_back(InUse(t, own));
    }
    return out;
  });
}

absl::StatusOr<StoredMessageTemplate> MessageTemplateStore::Get(
    const std::string& exchange_id, const std::string& id) {
  auto built_in = domain::ParseMessageTemplateId(id, "name");
  if (!built_in.ok()) return built_in.status();
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<StoredMessageTemplate> {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    const std::vector<Row> rows = ReadRows(sql, kSelectOne, {exchange_id, id});
    return InUse(**built_in, rows.empty() ? nullptr : &rows[0]);
  });
}

absl::StatusOr<StoredMessageTemplate> MessageTemplateStore::Put(
    const std::string& exchange_id, const domain::MessageTemplate& wording, absl::Time now) {
  if (absl::Status s = domain::ValidateMessageTemplate(wording, "message_template."); !s.ok()) {
    return s;
  }
  const std::string id = domain::MessageTemplateId(wording.kind, wording.to, wording.language);
  auto built_in = domain::ParseMessageTemplateId(id, "message_template.name");
  if (!built_in.ok()) return built_in.status();
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    Execute(sql, kUpsert, {exchange_id, id, wording.subject, wording.body, Micros(now)});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  const Row row{id, wording.subject, wording.body, now};
  return InUse(**built_in, &row);
}

absl::StatusOr<StoredMessageTemplate> MessageTemplateStore::Reset(
    const std::string& exchange_id, const std::string& id) {
  auto built_in = domain::ParseMessageTemplateId(id, "name");
  if (!built_in.ok()) return built_in.status();
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    Execute(sql, kDelete, {exchange_id, id});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return InUse(**built_in, nullptr);
}

std::optional<domain::MessageTemplate> MessageTemplateStore::ReadCustom(
    soci::session& sql, const std::string& exchange_id, domain::MessageKind kind,
    domain::Recipient to, const std::string& language) {
  const std::vector<Row> rows =
      ReadRows(sql, kSelectOne, {exchange_id, domain::MessageTemplateId(kind, to, language)});
  if (rows.empty()) return std::nullopt;
  return domain::MessageTemplate{kind, to, language, rows[0].subject, rows[0].body};
}

}  // namespace kokemus::storage

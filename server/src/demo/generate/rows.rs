//! The generated rows and their writing: multi-row INSERTs in chunks, inside the one
//! transaction.

use app::db::Tx;

/// One value of a generated row.
pub(super) enum V {
    I(Option<i64>),
    T(Option<String>),
    B(bool),
    Bytes(Vec<u8>),
}

/// Inserts rows in chunks small enough for either backend's limit on bound values.
async fn insert(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<V>>,
) -> Result<(), sqlx::Error> {
    let per_row = columns.len();
    let chunk = (4_000 / per_row).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<Vec<V>> = rows.by_ref().take(chunk).collect();
        let mut n = 0;
        let values = batch
            .iter()
            .map(|_| {
                let marks = (0..per_row)
                    .map(|_| {
                        n += 1;
                        format!("${n}")
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({marks})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {values}",
            columns.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for row in batch {
            for value in row {
                query = match value {
                    V::I(v) => query.bind(v),
                    V::T(v) => query.bind(v),
                    V::B(v) => query.bind(v),
                    V::Bytes(v) => query.bind(v),
                };
            }
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Every row generated, by table.
#[derive(Default)]
pub(super) struct Rows {
    pub cases: Vec<Vec<V>>,
    pub councilor_rows: Vec<Vec<V>>,
    pub parts: Vec<Vec<V>>,
    pub subs: Vec<Vec<V>>,
    pub events: Vec<Vec<V>>,
    pub deliveries: Vec<Vec<V>>,
    pub files: Vec<Vec<V>>,
    pub docs: Vec<Vec<V>>,
    pub pieces: Vec<Vec<V>>,
}

impl Rows {
    /// Writes every row in `tx`.
    pub async fn write(self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        insert(
            tx,
            "cases",
            &[
                "id",
                "kind",
                "session_id",
                "number",
                "topic",
                "body",
                "sitting_type_id",
                "sitting_date",
                "received_at",
                "priority",
                "within_three_days",
                "due_on",
                "status",
                "tracking",
                "reply",
                "reply_updated_by",
                "reply_updated_at",
                "reply_version",
                "created_by",
                "created_at",
                "updated_at",
            ],
            self.cases,
        )
        .await?;
        insert(tx, "case_search", &["rowid", "doc", "version"], self.docs).await?;
        insert(tx, "topic_pieces", &["piece", "case_id"], self.pieces).await?;
        insert(
            tx,
            "case_councilors",
            &["case_id", "councilor_id", "position"],
            self.councilor_rows,
        )
        .await?;
        insert(
            tx,
            "assignments",
            &[
                "case_id",
                "bureau_id",
                "role",
                "state",
                "reject_reason",
                "assigned_by",
                "assigned_at",
                "responded_by",
                "responded_at",
            ],
            self.parts,
        )
        .await?;
        insert(
            tx,
            "sub_answers",
            &["case_id", "bureau_id", "body", "updated_by", "updated_at"],
            self.subs,
        )
        .await?;
        insert(
            tx,
            "deliveries",
            &[
                "id",
                "case_id",
                "batch",
                "note",
                "delivered_by",
                "delivered_at",
            ],
            self.deliveries,
        )
        .await?;
        insert(
            tx,
            "attachments",
            &[
                "delivery_id",
                "file_name",
                "content_type",
                "size_bytes",
                "sha256",
                "data",
                "uploaded_by",
                "uploaded_at",
            ],
            self.files,
        )
        .await?;
        insert(
            tx,
            "case_events",
            &[
                "case_id",
                "at",
                "actor_kind",
                "actor_id",
                "action",
                "data",
                "seq",
                "prev_hash",
                "hash",
            ],
            self.events,
        )
        .await?;
        Ok(())
    }
}

/// An assignment row.
pub(super) fn part(
    case: i64,
    bureau: i64,
    role: &str,
    state: &str,
    by: i64,
    at: i64,
    reason: Option<&str>,
) -> Vec<V> {
    vec![
        V::I(Some(case)),
        V::I(Some(bureau)),
        V::T(Some(role.into())),
        V::T(Some(state.into())),
        V::T(reason.map(str::to_owned)),
        V::I(Some(by)),
        V::I(Some(at)),
        V::I((state != "pending").then_some(by)),
        V::I((state != "pending").then_some(at)),
    ]
}

-- The council's own lists (issue 25): where in its file a list was found (sheet, title
-- lines, each row's line), and the names councils give their sittings, which the admin can
-- extend. Kept in step with migrations/postgres/0012_real_lists.sql.
ALTER TABLE question_imports ADD COLUMN layout TEXT NOT NULL DEFAULT '{}';

CREATE TABLE sitting_type_aliases (
    id               INTEGER PRIMARY KEY,
    sitting_type_id  INTEGER NOT NULL REFERENCES sitting_types (id),
    alias            TEXT    NOT NULL,
    CONSTRAINT sitting_type_aliases_alias_key UNIQUE (alias)
);
CREATE INDEX sitting_type_aliases_type_idx ON sitting_type_aliases (sitting_type_id);

-- Councils publish written questions (書面質詢) apart from those asked at a sitting.
INSERT INTO sitting_types (code, name, sort_order)
SELECT 'written', '書面質詢', COALESCE(MAX(sort_order), 0) + 1 FROM sitting_types
WHERE NOT EXISTS (SELECT 1 FROM sitting_types WHERE code = 'written' OR name = '書面質詢');

-- What lists call the sittings, as councils print them.
INSERT INTO sitting_type_aliases (sitting_type_id, alias)
SELECT t.id, a.alias FROM sitting_types t
JOIN (
    SELECT 'general' AS code, '總質詢' AS alias
    UNION ALL SELECT 'general', '市政質詢'
    UNION ALL SELECT 'general', '定期大會總質詢'
    UNION ALL SELECT 'department', '業務質詢'
    UNION ALL SELECT 'department', '部門業務質詢'
    UNION ALL SELECT 'department', '局處業務質詢'
    UNION ALL SELECT 'policy_report', '施政報告質詢'
    UNION ALL SELECT 'special_report', '專案質詢'
    UNION ALL SELECT 'written', '書面'
) a ON a.code = t.code
WHERE NOT EXISTS (SELECT 1 FROM sitting_types n WHERE n.name = a.alias);

-- The written-reply volume as the council publishes it: the letter (發文字號) a volume was
-- sent under, shown with each reply it carried; and the words of the volume's title,
-- which councils differ on (書面答復彙編, 書面質詢及答覆彙編), kept as a setting.
ALTER TABLE volumes ADD COLUMN letter_number TEXT NOT NULL DEFAULT '';
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('volume_title', '書面答復彙編');

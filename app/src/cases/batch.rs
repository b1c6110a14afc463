//! What one delivery batch may carry. The upload island checks it in the browser before a
//! byte is sent; the server checks it again while reading the upload (`server/src/features/cases/attachments.rs`),
//! so a browser without JavaScript, or one that lies, gets the same answer.

/// The largest file a delivery may carry.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// The most files in one batch.
pub const MAX_FILES: usize = 20;
/// The most the files of one batch may weigh together.
pub const MAX_BATCH_BYTES: u64 = 5 * MAX_FILE_BYTES;

/// Why a batch cannot be sent as chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchProblem {
    TooManyFiles { count: usize },
    FileTooLarge { name: String, bytes: u64 },
    BatchTooLarge { bytes: u64 },
}

impl BatchProblem {
    /// What the user reads, in zh-TW.
    pub fn message(&self) -> String {
        match self {
            Self::TooManyFiles { count } => {
                format!("選了 {count} 個檔案；每批最多 {MAX_FILES} 個，請分批提供。")
            }
            Self::FileTooLarge { name, bytes } => format!(
                "「{name}」有 {}，超過每個檔案 {} 的上限。",
                megabytes(*bytes),
                megabytes(MAX_FILE_BYTES)
            ),
            Self::BatchTooLarge { bytes } => format!(
                "這批檔案共 {}，超過每批 {} 的上限，請分批提供。",
                megabytes(*bytes),
                megabytes(MAX_BATCH_BYTES)
            ),
        }
    }
}

/// Every problem with a batch of `(file name, size in bytes)`, in the order a user fixes
/// them: too many files, each file too large, the whole too large.
pub fn check_batch<'a>(files: impl IntoIterator<Item = (&'a str, u64)>) -> Vec<BatchProblem> {
    let mut problems = Vec::new();
    let mut count = 0;
    let mut total: u64 = 0;
    for (name, bytes) in files {
        count += 1;
        total = total.saturating_add(bytes);
        if bytes > MAX_FILE_BYTES {
            problems.push(BatchProblem::FileTooLarge {
                name: name.to_owned(),
                bytes,
            });
        }
    }
    if count > MAX_FILES {
        problems.insert(0, BatchProblem::TooManyFiles { count });
    }
    if total > MAX_BATCH_BYTES {
        problems.push(BatchProblem::BatchTooLarge { bytes: total });
    }
    problems
}

/// The refusal of an upload over the limits, when the server (or the proxy before it)
/// stopped reading it: which file was too large is not known by then.
pub fn too_big_words() -> String {
    format!(
        "檔案過大：每個檔案以 {} 為限，整批以 {} 為限。本批資料未儲存。",
        megabytes(MAX_FILE_BYTES),
        megabytes(MAX_BATCH_BYTES)
    )
}

/// Sizes as people read them: "10 MB", "12.4 MB", "0.2 MB".
pub fn megabytes(bytes: u64) -> String {
    let tenths = (bytes * 10).div_ceil(1024 * 1024);
    if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1024 * 1024;

    #[test]
    fn a_batch_within_every_limit_has_no_problem() {
        let files = [("a.pdf", MAX_FILE_BYTES), ("b.csv", 3 * MB)];
        assert!(check_batch(files).is_empty());
        assert!(check_batch([]).is_empty());
    }

    #[test]
    fn a_file_one_byte_over_the_limit_is_named() {
        let problems = check_batch([("ok.pdf", MB), ("大報告.pdf", MAX_FILE_BYTES + 1)]);
        assert_eq!(
            problems,
            vec![BatchProblem::FileTooLarge {
                name: "大報告.pdf".into(),
                bytes: MAX_FILE_BYTES + 1
            }]
        );
        assert_eq!(
            problems[0].message(),
            "「大報告.pdf」有 10.1 MB，超過每個檔案 10 MB 的上限。"
        );
    }

    #[test]
    fn twenty_files_pass_and_twenty_one_do_not() {
        let names: Vec<String> = (0..=MAX_FILES).map(|i| format!("{i}.txt")).collect();
        let files = |n: usize| {
            names[..n]
                .iter()
                .map(|n| (n.as_str(), 10))
                .collect::<Vec<_>>()
        };
        assert!(check_batch(files(MAX_FILES)).is_empty());
        assert_eq!(
            check_batch(files(MAX_FILES + 1)),
            vec![BatchProblem::TooManyFiles { count: 21 }]
        );
    }

    #[test]
    fn files_each_within_the_limit_can_still_be_too_heavy_together() {
        let files = [
            ("1", 10 * MB),
            ("2", 10 * MB),
            ("3", 10 * MB),
            ("4", 10 * MB),
            ("5", 10 * MB),
        ];
        assert!(check_batch(files).is_empty());
        let six = [
            ("1", 10 * MB),
            ("2", 10 * MB),
            ("3", 10 * MB),
            ("4", 10 * MB),
            ("5", 10 * MB),
            ("6", 1),
        ];
        let problems = check_batch(six);
        assert_eq!(
            problems,
            vec![BatchProblem::BatchTooLarge { bytes: 50 * MB + 1 }]
        );
        assert!(problems[0].message().contains("每批 50 MB 的上限"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut files: Vec<(&str, u64)> = vec![("huge.zip", 60 * MB)];
        files.extend(std::iter::repeat_n(("x", 1), MAX_FILES));
        let problems = check_batch(files);
        assert!(matches!(
            problems[0],
            BatchProblem::TooManyFiles { count: 21 }
        ));
        assert!(matches!(problems[1], BatchProblem::FileTooLarge { .. }));
        assert!(matches!(problems[2], BatchProblem::BatchTooLarge { .. }));
    }

    #[test]
    fn sizes_read_in_megabytes_rounded_up_to_a_tenth() {
        assert_eq!(megabytes(10 * MB), "10 MB");
        assert_eq!(megabytes(MB / 5), "0.2 MB");
        assert_eq!(megabytes(1), "0.1 MB");
        assert_eq!(megabytes(0), "0 MB");
    }
}

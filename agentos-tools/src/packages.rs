//! The app registry: running apps saved as packages, listed by category, fetched, launched and
//! deleted; seeded from `.bp` documents (an `apps/` folder) and the built-in defaults
//! (calculator, settings, app launcher) without overwriting what the user saved.
//!
//! Each package is one file `<data_root>/registry/<id>.json`, written atomically by the
//! runtime's own PID: `{"format": "agentos.package/1", id, name, …, "source", "blueprint"}`.

use std::{collections::BTreeMap, path::Path, sync::Arc};

use agentos_blueprint::Blueprint;
use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    app::Template,
    error::{Error, Result},
    kernel_io,
    runtime::{AppId, Launch, Runtime},
    services::{compact_time, now_ms},
};

/// The `format` of a package file.
pub(crate) const FORMAT: &str = "agentos.package/1";

/// A saved app: metadata plus its Blueprint.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    /// Registry id, e.g. `calculator` or `my-timer-20260101`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Emoji or short icon text.
    pub icon: String,
    /// Category, e.g. `productivity`.
    pub category: String,
    /// Version string.
    pub version: String,
    /// Author.
    pub author: String,
    /// Tags.
    pub tags: Vec<String>,
    /// `user` (saved from a running app), `apps-folder` or `builtin`.
    pub source: String,
    /// Creation time, ms since the Unix epoch.
    pub created_at_ms: u64,
    /// Last update, ms since the Unix epoch.
    pub updated_at_ms: u64,
    /// The app itself.
    pub blueprint: Arc<Blueprint>,
}

/// A package without its Blueprint, as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageSummary {
    /// Registry id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Emoji or short icon text.
    pub icon: String,
    /// Category.
    pub category: String,
    /// Version.
    pub version: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Where it came from.
    pub source: String,
    /// Last update, ms since the Unix epoch.
    pub updated_at_ms: u64,
}

/// Options of [`Runtime::save_package`]; empty fields keep the Blueprint's own values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavePackage {
    /// Description.
    pub description: Option<String>,
    /// Icon (default 📦).
    pub icon: Option<String>,
    /// Category (default `general`).
    pub category: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
}

/// What seeding did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SeedReport {
    /// Package ids added or updated.
    pub added: Vec<String>,
    /// Package ids left alone because they already exist (user saves are never overwritten).
    pub kept: Vec<String>,
    /// Documents that could not be used, with the reason.
    pub errors: Vec<String>,
}

pub(crate) struct Entry {
    pub(crate) package: Package,
    pub(crate) template: Arc<Template>,
}

impl Package {
    /// The package's metadata.
    pub fn summary(&self) -> PackageSummary {
        PackageSummary {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            icon: self.icon.clone(),
            category: self.category.clone(),
            version: self.version.clone(),
            tags: self.tags.clone(),
            source: self.source.clone(),
            updated_at_ms: self.updated_at_ms,
        }
    }

    /// The package as its versioned JSON file.
    pub fn to_json(&self) -> Value {
        json!({
            "format": FORMAT,
            "id": self.id, "name": self.name, "description": self.description, "icon": self.icon,
            "category": self.category, "version": self.version, "author": self.author, "tags": self.tags,
            "source": self.source, "created_at_ms": self.created_at_ms, "updated_at_ms": self.updated_at_ms,
            "blueprint": self.blueprint_json(),
        })
    }

    fn blueprint_json(&self) -> Value {
        serde_json::to_value(&*self.blueprint).unwrap_or(Value::Null)
    }

    fn from_json(path: &str, value: &Value) -> Result<Package> {
        let corrupt = |reason: String| Error::Corrupt {
            path: path.to_owned(),
            reason,
        };
        if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(corrupt(format!("expected format {FORMAT}")));
        }
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let blueprint = value
            .get("blueprint")
            .ok_or_else(|| corrupt("missing blueprint".to_owned()))?;
        let blueprint = parse_blueprint_value(blueprint).map_err(|err| corrupt(err.to_string()))?;
        Ok(Package {
            id: text("id"),
            name: text("name"),
            description: text("description"),
            icon: text("icon"),
            category: text("category"),
            version: text("version"),
            author: text("author"),
            tags: value
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| {
                    t.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            source: text("source"),
            created_at_ms: value
                .get("created_at_ms")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            updated_at_ms: value
                .get("updated_at_ms")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            blueprint: Arc::new(blueprint),
        })
    }
}

/// Parses a Blueprint given as a JSON value.
pub(crate) fn parse_blueprint_value(value: &Value) -> Result<Blueprint> {
    Ok(agentos_blueprint::parse(&value.to_string()).into_result()?)
}

/// The reference's package id: the title lowercased, `a-z0-9` kept, spaces and `_` turned
/// into `-`, everything else dropped, then `-YYYYMMDD`.
pub(crate) fn package_id(title: &str, now_secs: u64) -> String {
    let mut id: String = title
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            ' ' | '_' => Some('-'),
            _ => None,
        })
        .collect();
    if id.trim_matches('-').is_empty() {
        id = "app".to_owned();
    }
    let date = compact_time(now_secs);
    format!("{id}-{}", &date[..8])
}

impl Runtime {
    fn package_path(&self, id: &str) -> String {
        format!("{}/{id}.json", self.system_path("registry"))
    }

    fn store_package(&self, package: Package) -> Result<Package> {
        crate::tools::check_key("registry", "id", &package.id)?;
        let template = Arc::new(Template::build(package.blueprint.clone())?);
        let bytes =
            serde_json::to_vec_pretty(&package.to_json()).map_err(|err| Error::Corrupt {
                path: package.id.clone(),
                reason: err.to_string(),
            })?;
        kernel_io::atomic_replace(
            &self.inner.kernel,
            self.inner.system_pid,
            &self.package_path(&package.id),
            &bytes,
        )?;
        self.inner.packages.write().insert(
            package.id.clone(),
            Entry {
                package: package.clone(),
                template,
            },
        );
        Ok(package)
    }

    /// Saves running app `app_id` as a package (id from its title and today's date) and returns
    /// it. The file is replaced atomically.
    ///
    /// # Errors
    /// [`Error::UnknownApp`], or the kernel's error writing the file.
    pub fn save_package(&self, app_id: AppId, options: SavePackage) -> Result<Package> {
        let blueprint = self.blueprint(app_id)?;
        let now = now_ms();
        let info = &blueprint.app;
        let id = package_id(&blueprint.ui.title, now / 1000);
        let created = self
            .inner
            .packages
            .read()
            .get(&id)
            .map_or(now, |entry| entry.package.created_at_ms);
        let or = |value: &str, fallback: &str| {
            if value.is_empty() {
                fallback.to_owned()
            } else {
                value.to_owned()
            }
        };
        self.store_package(Package {
            id,
            name: or(&info.name, &blueprint.ui.title),
            description: options
                .description
                .unwrap_or_else(|| info.description.clone()),
            icon: options.icon.unwrap_or_else(|| or(&info.icon, "📦")),
            category: options
                .category
                .unwrap_or_else(|| or(&info.category, "general")),
            version: or(&info.version, "1.0.0"),
            author: or(&info.author, "user"),
            tags: if options.tags.is_empty() {
                info.tags.clone()
            } else {
                options.tags
            },
            source: "user".to_owned(),
            created_at_ms: created,
            updated_at_ms: now,
            blueprint: blueprint.clone(),
        })
    }

    /// Installs `blueprint` under its `app.id` from `source` unless a package with that id
    /// exists already (then it is kept — a user's save is never overwritten — unless it came
    /// from the same non-user source and differs, in which case it is updated).
    fn seed_one(&self, blueprint: Blueprint, source: &str, report: &mut SeedReport) {
        let id = blueprint.app.id.clone();
        let existing = self.inner.packages.read().get(&id).map(|entry| {
            (
                entry.package.source.clone(),
                entry.package.blueprint.clone(),
                entry.package.created_at_ms,
            )
        });
        let created = match existing {
            Some((old_source, old, created)) => {
                if old_source == "user" || old_source != source || *old == blueprint {
                    report.kept.push(id);
                    return;
                }
                created
            }
            None => now_ms(),
        };
        let info = &blueprint.app;
        let package = Package {
            id: id.clone(),
            name: info.name.clone(),
            description: info.description.clone(),
            icon: if info.icon.is_empty() {
                "📦".to_owned()
            } else {
                info.icon.clone()
            },
            category: if info.category.is_empty() {
                "general".to_owned()
            } else {
                info.category.clone()
            },
            version: info.version.clone(),
            author: if info.author.is_empty() {
                "system".to_owned()
            } else {
                info.author.clone()
            },
            tags: info.tags.clone(),
            source: source.to_owned(),
            created_at_ms: created,
            updated_at_ms: now_ms(),
            blueprint: Arc::new(blueprint),
        };
        match self.store_package(package) {
            Ok(_) => report.added.push(id),
            Err(err) => report.errors.push(format!("{id}: {err}")),
        }
    }

    /// Seeds the registry from Blueprint documents (`(label, text)`, e.g. a file path and its
    /// contents) and then from the built-in defaults.
    pub fn seed_packages(&self, documents: &[(String, String)]) -> SeedReport {
        let mut report = SeedReport::default();
        for (label, text) in documents {
            match agentos_blueprint::parse(text).into_result() {
                Ok(blueprint) => self.seed_one(blueprint, "apps-folder", &mut report),
                Err(err) => report.errors.push(format!("{label}: {err}")),
            }
        }
        for text in crate::builtin_apps::ALL {
            match agentos_blueprint::parse(text).into_result() {
                Ok(blueprint) => self.seed_one(blueprint, "builtin", &mut report),
                Err(err) => report.errors.push(format!("builtin: {err}")),
            }
        }
        report
    }

    /// Reads every `.bp` file under host directory `dir` (recursively, sorted) and seeds the
    /// registry with them and the built-in defaults.
    ///
    /// # Ambient Authority
    /// Reads the host filesystem directly (the shipped `apps/` folder), outside any kernel
    /// capability; pass only a directory the operator chose.
    ///
    /// # Errors
    /// [`Error::Failed`] when `dir` cannot be read.
    pub fn seed_apps_dir_ambient(&self, dir: &Path) -> Result<SeedReport> {
        let mut files = Vec::new();
        collect_bp(dir, &mut files, 0).map_err(|err| Error::Failed {
            tool: "registry.seed".to_owned(),
            reason: format!("{}: {err}", dir.display()),
        })?;
        files.sort();
        let mut documents = Vec::new();
        let mut unreadable = Vec::new();
        for path in files {
            match std::fs::read_to_string(&path) {
                Ok(text) => documents.push((path.display().to_string(), text)),
                Err(err) => unreadable.push(format!("{}: {err}", path.display())),
            }
        }
        let mut report = self.seed_packages(&documents);
        report.errors.extend(unreadable);
        Ok(report)
    }

    /// Packages, sorted by id, optionally of one category.
    pub fn packages(&self, category: Option<&str>) -> Vec<PackageSummary> {
        self.inner
            .packages
            .read()
            .values()
            .filter(|entry| category.is_none_or(|c| entry.package.category == c))
            .map(|entry| entry.package.summary())
            .collect()
    }

    /// Loads the persisted packages, then seeds from host directory `apps_dir` (when given)
    /// and the built-in defaults — what a server does once at start.
    ///
    /// # Ambient Authority
    /// Reads `apps_dir` on the host filesystem, as [`Runtime::seed_apps_dir_ambient`] does.
    ///
    /// # Errors
    /// What [`Runtime::load_packages`] or [`Runtime::seed_apps_dir_ambient`] return.
    pub fn start_registry_ambient(&self, apps_dir: Option<&Path>) -> Result<SeedReport> {
        self.load_packages()?;
        match apps_dir {
            Some(dir) => self.seed_apps_dir_ambient(dir),
            None => Ok(self.seed_packages(&[])),
        }
    }

    /// `{total_packages, categories: {category: count}, last_updated}` (ms since the epoch).
    pub fn package_stats(&self) -> Value {
        let packages = self.inner.packages.read();
        let last = packages
            .values()
            .map(|entry| entry.package.updated_at_ms)
            .max();
        json!({"total_packages": packages.len(), "categories": self.categories_of(&packages), "last_updated": last})
    }

    fn categories_of(&self, packages: &BTreeMap<String, Entry>) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for entry in packages.values() {
            *out.entry(entry.package.category.clone()).or_insert(0) += 1;
        }
        out
    }

    /// Package counts per category.
    pub fn package_categories(&self) -> BTreeMap<String, usize> {
        self.categories_of(&self.inner.packages.read())
    }

    /// Package `id`.
    ///
    /// # Errors
    /// [`Error::NotFound`].
    pub fn package(&self, id: &str) -> Result<Package> {
        self.inner
            .packages
            .read()
            .get(id)
            .map(|entry| entry.package.clone())
            .ok_or_else(|| Error::NotFound {
                what: "package",
                id: id.to_owned(),
            })
    }

    /// Launches package `id` (metadata `from_registry: true`, `package_id`).
    ///
    /// # Errors
    /// [`Error::NotFound`], or what [`Runtime::launch_with`] returns.
    pub fn launch_package(&self, id: &str, mut options: Launch) -> Result<AppId> {
        let template = self
            .inner
            .packages
            .read()
            .get(id)
            .map(|entry| entry.template.clone())
            .ok_or_else(|| Error::NotFound {
                what: "package",
                id: id.to_owned(),
            })?;
        options
            .metadata
            .insert("from_registry".to_owned(), Value::Bool(true));
        options
            .metadata
            .insert("package_id".to_owned(), Value::String(id.to_owned()));
        self.launch_template(template, options)
    }

    /// Deletes package `id` and its file.
    ///
    /// # Errors
    /// [`Error::NotFound`], or the kernel's error.
    pub fn delete_package(&self, id: &str) -> Result<()> {
        if !self.inner.packages.read().contains_key(id) {
            return Err(Error::NotFound {
                what: "package",
                id: id.to_owned(),
            });
        }
        kernel_io::delete(
            &self.inner.kernel,
            self.inner.system_pid,
            &self.package_path(id),
            false,
        )?;
        self.inner.packages.write().remove(id);
        Ok(())
    }

    /// Loads every package file from the kernel VFS into the registry (call once at start,
    /// before seeding). Returns how many were loaded.
    ///
    /// # Errors
    /// [`Error::Corrupt`] naming the first unreadable file, or the kernel's error.
    pub fn load_packages(&self) -> Result<usize> {
        let dir = self.system_path("registry");
        let mut loaded = 0;
        for entry in kernel_io::list(&self.inner.kernel, self.inner.system_pid, &dir)? {
            if entry.is_dir || !entry.name.ends_with(".json") {
                continue;
            }
            let path = format!("{dir}/{}", entry.name);
            let bytes = kernel_io::read(&self.inner.kernel, self.inner.system_pid, &path)?;
            let value: Value = serde_json::from_slice(&bytes).map_err(|err| Error::Corrupt {
                path: path.clone(),
                reason: err.to_string(),
            })?;
            let package = Package::from_json(&path, &value)?;
            let template = Arc::new(Template::build(package.blueprint.clone())?);
            self.inner
                .packages
                .write()
                .insert(package.id.clone(), Entry { package, template });
            loaded += 1;
        }
        Ok(loaded)
    }
}

fn collect_bp(dir: &Path, out: &mut Vec<std::path::PathBuf>, depth: usize) -> std::io::Result<()> {
    if depth > 16 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_bp(&path, out, depth + 1)?;
        } else if kind.is_file() && path.extension().is_some_and(|ext| ext == "bp") {
            out.push(path);
        }
    }
    Ok(())
}

//! Selecting what the import takes, and resolving type references.

use super::*;

/// Where a type reference leads.
pub(super) enum Found {
    /// A declaration of an imported file.
    Decl(usize, usize),
    /// A type declared on the builder before the import.
    Builder,
}

impl Session {
    pub(super) fn select(&mut self, root: usize, existing: &Types) {
        let mut work = VecDeque::new();
        self.take_whole(root, &mut work);
        while let Some((f, d)) = work.pop_front() {
            for r in self.files[f].decls[d].refs.clone() {
                match self.resolve(f, &r.name, existing) {
                    Some(Found::Decl(tf, td)) => self.take(tf, td, &mut work),
                    Some(Found::Builder) => {}
                    None => {
                        let file = &self.files[f];
                        let problem = match self.left_out(f, &r.name) {
                            Some(why) => Some(format!("{}: {}: {why}", file.label, r.path)),
                            None if file.broken_import => None,
                            None => Some(format!(
                                "{}: {}: unknown type `{}`; declare it under `types` or `enums`, or import the file that does",
                                file.label, r.path, r.name
                            )),
                        };
                        self.problems.extend(problem);
                        // Reported here, with the file; read as `any` so that `build()` does
                        // not report it again without one.
                        if let Some(ty) = self.files[f].decls[d].item.type_at(r.slot) {
                            ty.name = TypeName::Builtin(Builtin::Any);
                        }
                    }
                }
            }
        }
    }

    /// Takes all of file `f`, and what it imports.
    pub(super) fn take_whole(&mut self, f: usize, work: &mut VecDeque<(usize, usize)>) {
        if std::mem::replace(&mut self.files[f].whole, true) {
            return;
        }
        for d in 0..self.files[f].decls.len() {
            self.take(f, d, work);
        }
        for i in 0..self.files[f].imports.len() {
            let target = self.files[f].imports[i].target;
            match self.files[f].imports[i].list.clone() {
                None => self.take_whole(target, work),
                Some(list) => list.into_iter().for_each(|d| self.take(target, d, work)),
            }
        }
    }

    pub(super) fn take(&mut self, f: usize, d: usize, work: &mut VecDeque<(usize, usize)>) {
        if !std::mem::replace(&mut self.files[f].decls[d].selected, true) {
            work.push_back((f, d));
        }
    }

    /// The type `name` as file `f` sees it: its own, else one it imports, else the builder's.
    pub(super) fn resolve(&self, f: usize, name: &str, existing: &Types) -> Option<Found> {
        self.find_type(f, name)
            .map(|(tf, td)| Found::Decl(tf, td))
            .or_else(|| existing.contains(name).then_some(Found::Builder))
    }

    pub(super) fn find_type(&self, f: usize, name: &str) -> Option<(usize, usize)> {
        let file = &self.files[f];
        if let Some(d) = file.decls.iter().position(|d| d.declares_type(name)) {
            return Some((f, d));
        }
        file.imports.iter().find_map(|import| match &import.list {
            None => self.find_type(import.target, name),
            Some(list) => {
                let target = &self.files[import.target];
                let d = list
                    .iter()
                    .find(|&&d| target.decls[d].declares_type(name))?;
                Some((import.target, *d))
            }
        })
    }

    /// Why `name` is not visible in file `f` although a file it imports has it: the import's
    /// list leaves it out.
    pub(super) fn left_out(&self, f: usize, name: &str) -> Option<String> {
        let file = &self.files[f];
        file.imports.iter().filter(|i| i.list.is_some()).find_map(|import| {
            let (tf, td) = self.find_type(import.target, name)?;
            let kind = self.files[tf].decls[td].item.kind();
            Some(format!(
                "`{name}` is declared in `{}`, but the list of {} leaves it out; add \"{kind}:{name}\" to it",
                self.files[import.target].label, import.path
            ))
        })
    }

    // -----------------------------------------------------------------------------------------
    // Declaring what was selected on the builder.

    pub(super) fn declare(
        &mut self,
        mut builder: ServiceBuilder,
        existing: &Types,
    ) -> ServiceBuilder {
        // (namespace, name) → (file, path) of the first definition
        let mut defined: HashMap<(&str, String), (usize, String)> = HashMap::new();
        for f in self.order.clone() {
            let decls = std::mem::take(&mut self.files[f].decls);
            let label = &self.files[f].label;
            for decl in decls.into_iter().filter(|d| d.selected) {
                let (kind, name) = (decl.item.kind(), decl.item.name().to_owned());
                let namespace = if kind == "enum" { "type" } else { kind };
                if let Some((first, first_path)) = defined.get(&(namespace, name.clone())) {
                    let place = if *first == f {
                        first_path.clone()
                    } else {
                        format!("{first_path} in `{}`", self.files[*first].label)
                    };
                    let problem = format!(
                        "{label}: {}: {kind} `{name}` is also defined at {place}; rename one of them",
                        decl.path
                    );
                    self.problems.push(problem);
                    continue;
                }
                defined.insert((namespace, name.clone()), (f, decl.path.clone()));
                if let Item::Type(def) = &decl.item {
                    match existing.get(&name) {
                        // Declared by an earlier import of the same file, or by a Rust type
                        // describing the same data: the same type, kept as it is.
                        Some(earlier) if earlier.difference(def).is_none() => continue,
                        Some(earlier) => {
                            let difference = earlier.difference(def).unwrap_or_default();
                            let problem = format!(
                                "{label}: {}: {kind} `{name}` is already declared on the service, differently \
                                 (the service's has {difference}); make them agree, or rename one of them",
                                decl.path
                            );
                            self.problems.push(problem);
                            continue;
                        }
                        None => {}
                    }
                }
                builder = match decl.group.map(|g| &self.files[f].groups[g]) {
                    Some(group) => builder.group(&group.name, group.description.clone(), |b| {
                        add(b, decl.item)
                    }),
                    None => add(builder, decl.item),
                };
            }
        }
        builder
    }
}

pub(super) fn add(builder: ServiceBuilder, item: Item) -> ServiceBuilder {
    match item {
        Item::Type(def) => builder.type_def(def),
        Item::Event(def) => {
            let ty = def.ty.map(|t| t.to_string());
            builder.event(&def.name, ty.as_deref(), def.description)
        }
        Item::Method(def) => {
            let mut method = Method::new(def.name).description(def.description);
            for param in def.params {
                method = method.param_def(param);
            }
            if let Some(returns) = def.returns {
                method = method.returns(&returns.to_string());
            }
            for error in def.errors {
                method = method.error(error.code, error.message);
            }
            builder.method(method)
        }
    }
}

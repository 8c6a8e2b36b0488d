//! json-ws description files imported into a service builder: the model they produce, the
//! service serving it once handlers are attached, and broken files, whose errors name the file
//! and the entry.

use std::sync::Arc;

use jsonws::schema::{TypeDef, TypeRef};
use jsonws::service::{Args, Service, ServiceBuilder};
use jsonws::{ErrorObject, protocol::code};
use serde_json::{Value, json};

use crate::util::{TestServer, error_code};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// The problems `build()` reports for a service importing fixture `name`.
fn problems(name: &str) -> Vec<String> {
    match Service::builder("broken", "1.0.0")
        .import_file(fixture(name))
        .build()
    {
        Ok(service) => panic!("importing {name} should fail, but built {service:?}"),
        Err(error) => error.problems,
    }
}

fn inventory() -> ServiceBuilder {
    Service::builder("inventory", "1.0.0").import_file(fixture("inventory.json"))
}

fn struct_def<'a>(service: &'a Service, name: &str) -> &'a jsonws::schema::StructDef {
    match service.types().get(name) {
        Some(TypeDef::Struct(def)) => def,
        other => panic!("`{name}` should be a struct, got {other:?}"),
    }
}

#[test]
fn inventory_declares_every_form() {
    let service = inventory().build().expect("inventory.json is valid");
    assert_eq!(
        service.description(),
        "Warehouse inventory: items, stock levels and change notifications."
    );

    // Types: Item and Status from the file, Money from common.json's list; Unit is left out.
    let names: Vec<&str> = service.types().iter().map(TypeDef::name).collect();
    assert_eq!(names, ["Item", "Money", "Status"]);

    let item = struct_def(&service, "Item");
    assert_eq!(item.description, "One stocked article.");
    let fields: Vec<(&str, String, bool)> = item
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.ty.to_string(), f.required))
        .collect();
    assert_eq!(
        fields,
        [
            ("id", "int".to_owned(), true),
            ("name", "string".to_owned(), true),
            ("tags", "[string]".to_owned(), true),
            ("price", "Money".to_owned(), true),
            ("status", "Status".to_owned(), false),
            ("parts", "[Item]".to_owned(), false),
            ("updated", "date".to_owned(), false),
        ],
        "fields in file order, with their types and required-ness"
    );
    assert_eq!(
        item.fields[1].description,
        "Display name; may contain any Unicode: Füße, 東京."
    );
    assert_eq!(item.fields[4].default, Some(json!("Active")));
    assert_eq!(item.fields[5].description, "Sub-assemblies (recursive).");

    let money = struct_def(&service, "Money");
    assert_eq!(
        money.description,
        "An amount in minor units (cents) and an ISO 4217 currency code."
    );
    let money_fields: Vec<(&str, String)> = money
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.ty.to_string()))
        .collect();
    assert_eq!(
        money_fields,
        [
            ("amount", "int".to_owned()),
            ("currency", "string".to_owned())
        ]
    );

    let Some(TypeDef::Enum(status)) = service.types().get("Status") else {
        panic!("Status is an enum")
    };
    assert_eq!(status.description, "Lifecycle of an item.");
    assert_eq!(
        status.members,
        [
            ("Draft".to_owned(), 0),
            ("Active".to_owned(), 1),
            ("Retired".to_owned(), 9)
        ]
    );

    // Events: a typed one, and a bare string read as the description of an untyped one.
    let events: Vec<(&str, Option<String>, &str)> = service
        .events()
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.ty.as_ref().map(TypeRef::to_string),
                e.description.as_str(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            (
                "items.changed",
                Some("Item".to_owned()),
                "Sent after any item is created or updated."
            ),
            (
                "items.purged",
                None,
                "Sent after retired items are deleted; no payload."
            ),
        ]
    );

    // Methods, in file order, the group's last.
    let names: Vec<&str> = service.methods().iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["items.get", "items.find", "items.purge", "reports.value"]
    );
    let signature = |name: &str| {
        let method = service.method(name).unwrap();
        let params: Vec<String> = method
            .params
            .iter()
            .map(|p| match &p.default {
                Some(default) => format!("{}: {} = {default}", p.name, p.ty),
                None => format!("{}: {}", p.name, p.ty),
            })
            .collect();
        let returns = method
            .returns
            .as_ref()
            .map_or("nothing".to_owned(), TypeRef::to_string);
        format!("{name}({}) -> {returns}", params.join(", "))
    };
    assert_eq!(signature("items.get"), "items.get(id: int) -> Item");
    assert_eq!(
        signature("items.find"),
        "items.find(text: string, limit: int = 20) -> [Item]"
    );
    assert_eq!(signature("items.purge"), "items.purge() -> nothing");
    assert_eq!(
        signature("reports.value"),
        "reports.value(at: date, currency: string = \"EUR\") -> Money"
    );
    assert_eq!(
        service.method("items.get").unwrap().params[0].description,
        "Item id."
    );
    assert_eq!(
        service.method("items.purge").unwrap().description,
        "Delete every retired item."
    );

    // The one group, holding what the file declares inside it.
    assert_eq!(service.groups().len(), 1);
    let reports = &service.groups()[0];
    assert_eq!(
        (reports.name.as_str(), reports.description.as_str()),
        ("Reports", "Read-only summaries.")
    );
    assert_eq!(reports.items, ["method:reports.value"]);
}

/// Handlers backed by 25 items in memory: `item 1` … `item 25`, all priced 1.50 EUR.
fn implemented() -> Service {
    let store: Arc<Vec<Value>> = Arc::new(
        (1..=25)
            .map(|id| json!({ "id": id, "name": format!("item {id}"), "tags": [], "price": { "amount": 150, "currency": "EUR" } }))
            .collect(),
    );
    let (get, find, value) = (store.clone(), store.clone(), store);
    inventory()
        .implement("items.get", move |args: Args| {
            let store = get.clone();
            async move {
                let id: i64 = args.get("id")?;
                store
                    .iter()
                    .find(|item| item["id"] == id)
                    .cloned()
                    .ok_or_else(|| ErrorObject::new(4004, format!("no item {id}")))
            }
        })
        .implement("items.find", move |args: Args| {
            let store = find.clone();
            async move {
                let text: String = args.get("text")?;
                let limit: i64 = args.get("limit")?;
                let found: Vec<Value> = store
                    .iter()
                    .filter(|item| item["name"].as_str().unwrap_or_default().contains(&text))
                    .take(usize::try_from(limit).unwrap_or(0))
                    .cloned()
                    .collect();
                Ok::<_, ErrorObject>(found)
            }
        })
        .implement("reports.value", move |args: Args| {
            let store = value.clone();
            async move {
                let currency: String = args.get("currency")?;
                let total: i64 = store
                    .iter()
                    .filter_map(|item| item["price"]["amount"].as_i64())
                    .sum();
                Ok::<_, ErrorObject>(json!({ "amount": total, "currency": currency }))
            }
        })
        .build()
        .expect("inventory.json with handlers is valid")
}

async fn call(server: &TestServer, method: &str, params: Value) -> Value {
    let request = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
    let (status, body) = server.post(&request.to_string()).await;
    assert_eq!(status, 200, "{method}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn imported_methods_serve_once_implemented() {
    let service = implemented();
    let server = TestServer::start((**service.handlers()).clone()).await;

    // The result goes out through the declared type: `status` takes its default.
    let reply = call(&server, "items.get", json!([2])).await;
    assert_eq!(
        reply["result"],
        json!({ "id": 2, "name": "item 2", "tags": [], "price": { "amount": 150, "currency": "EUR" }, "status": "Active" })
    );

    let reply = call(&server, "items.get", json!(["two"])).await;
    assert_eq!(error_code(&reply), code::INVALID_PARAMS, "{reply}");
    assert_eq!(reply["error"]["data"]["param"], "id", "{reply}");

    // `limit` defaults to 20.
    let reply = call(&server, "items.find", json!(["item"])).await;
    assert_eq!(
        reply["result"].as_array().map(Vec::len),
        Some(20),
        "{reply}"
    );
    let reply = call(
        &server,
        "items.find",
        json!({ "text": "item 1", "limit": 3 }),
    )
    .await;
    let names: Vec<&str> = reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["item 1", "item 10", "item 11"]);

    let reply = call(&server, "reports.value", json!(["2024-01-31T00:00:00Z"])).await;
    assert_eq!(
        reply["result"],
        json!({ "amount": 25 * 150, "currency": "EUR" })
    );

    // Declared in the file, never implemented.
    let reply = call(&server, "items.purge", json!([])).await;
    assert_eq!(error_code(&reply), code::METHOD_NOT_FOUND, "{reply}");
    assert_eq!(
        reply["error"]["message"], "Method not implemented",
        "{reply}"
    );
}

#[test]
fn invalid_json_names_line_and_column() {
    let problems = problems("invalid_json.json");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let prefix = format!(
        "{}: line 4, column 5: not valid JSON: expected `,` or `}}`",
        fixture("invalid_json.json")
    );
    assert!(problems[0].starts_with(&prefix), "{problems:#?}");
}

#[test]
fn unknown_type_names_file_and_field() {
    assert_eq!(
        problems("unknown_type.json"),
        [format!(
            "{}: types.Item.struct.price: unknown type `Mony`; declare it under `types` or `enums`, or import the file that does",
            fixture("unknown_type.json")
        )]
    );
}

#[test]
fn type_left_out_of_an_import_list_is_named() {
    assert_eq!(
        problems("left_out_of_list.json"),
        [format!(
            "{}: types.Stock.struct.unit: `Unit` is declared in `{}`, but the list of import[0] leaves it out; add \"enum:Unit\" to it",
            fixture("left_out_of_list.json"),
            fixture("common.json")
        )]
    );
}

#[test]
fn missing_import_is_reported_once() {
    let problems = problems("missing_import.json");
    // Not also "unknown type `Money`": that is what the missing file would have declared.
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let prefix = format!(
        "{}: import[0]: cannot read `missing.json`: ",
        fixture("missing_import.json")
    );
    assert!(problems[0].starts_with(&prefix), "{problems:#?}");
}

#[test]
fn import_cycle_is_named_and_ends() {
    let (a, b) = (fixture("cycle_a.json"), fixture("cycle_b.json"));
    assert_eq!(
        problems("cycle_a.json"),
        [format!(
            "{b}: import[0]: import cycle {a} → {b} → {a}; a file cannot import itself, directly or through others"
        )]
    );
}

#[test]
fn list_entry_missing_from_the_imported_file() {
    assert_eq!(
        problems("bad_list.json"),
        [format!(
            "{}: import[0].list[1]: `{}` has no type `Mony`",
            fixture("bad_list.json"),
            fixture("common.json")
        )]
    );
}

#[test]
fn enum_value_must_be_an_integer() {
    assert_eq!(
        problems("bad_enum.json"),
        [format!(
            "{}: enums.Status.struct.Draft: value of `Draft` must be an integer, not string \"zero\"",
            fixture("bad_enum.json")
        )]
    );
}

#[test]
fn param_needs_a_name() {
    assert_eq!(
        problems("param_without_name.json"),
        [format!(
            "{}: methods.items.get.params[0]: a param needs a `name`",
            fixture("param_without_name.json")
        )]
    );
}

#[test]
fn defaulted_param_before_a_required_one_fails_the_build() {
    // Checked by `build()` like for any method, which names the method and both params.
    assert_eq!(
        problems("default_before_required.json"),
        [
            "method `items.find`: `limit` has a default but `text` after it does not; put defaulted parameters last"
        ]
    );
}

#[test]
fn type_defined_twice_across_files() {
    assert_eq!(
        problems("defined_twice.json"),
        [format!(
            "{}: types.Money: type `Money` is also defined at types.Money in `{}`; rename one of them",
            fixture("defined_twice.json"),
            fixture("common.json")
        )]
    );
}

#[test]
fn text_imports_resolve_against_the_current_directory() {
    // cargo runs integration tests in the package's directory.
    let service = Service::builder("units", "1.0.0")
        .import_json(r#"{ "import": [{ "file": "tests/fixtures/import/common.json", "list": "enum:Unit" }] }"#, "units.json")
        .build()
        .unwrap();
    let names: Vec<&str> = service.types().iter().map(TypeDef::name).collect();
    assert_eq!(names, ["Unit"]);
}

#[test]
fn a_file_is_imported_once() {
    // Two imports of common.json in one description: loaded once, both lists taken.
    let service = Service::builder("shared", "1.0.0")
        .import_json(
            &json!({ "import": [
                { "file": fixture("common.json"), "list": ["type:Money"] },
                { "file": fixture("common.json"), "list": ["enum:Unit"] },
                fixture("common.json"),
            ] })
            .to_string(),
            "shared.json",
        )
        .build()
        .unwrap();
    assert_eq!(service.types().len(), 2);

    // The same file imported again by a later import: its types are the same types.
    let service = inventory()
        .import_file(fixture("common.json"))
        .build()
        .unwrap();
    let names: Vec<&str> = service.types().iter().map(TypeDef::name).collect();
    assert_eq!(names, ["Item", "Money", "Status", "Unit"]);
}

#[test]
fn misspelt_key_is_reported() {
    let error = Service::builder("typo", "1.0.0")
        .import_json(
            r#"{ "types": { "T": { "struct": { "a": { "type": "int", "requred": false } } } } }"#,
            "typo.json",
        )
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems,
        [
            "typo.json: types.T.struct.a.requred: unknown key `requred`; a field takes type, required, default, description"
        ]
    );
}

#[test]
fn groups_nest_and_references_point_forward() {
    let service = Service::builder("groups", "1.0.0")
        .import_json(
            r#"{
                "Shapes": {
                    "description": "Things with corners.",
                    "methods": { "area": { "params": [{ "name": "s", "type": "Shape" }], "returns": "number" } },
                    "Parts": {
                        "description": "What shapes are made of.",
                        "types": { "Shape": { "struct": { "corners": ["Point"] } }, "Point": { "struct": { "x": "int" } } }
                    }
                }
            }"#,
            "groups.json",
        )
        .build()
        .unwrap();
    let groups: Vec<(&str, &str, Vec<&str>)> = service
        .groups()
        .iter()
        .map(|g| {
            (
                g.name.as_str(),
                g.description.as_str(),
                g.items.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("Shapes", "Things with corners.", vec!["method:area"]),
            (
                "Parts",
                "What shapes are made of.",
                vec!["type:Shape", "type:Point"]
            ),
        ]
    );
}

#[test]
fn repeated_names_in_one_file() {
    let error = Service::builder("dup", "1.0.0")
        .import_json(
            r#"{
                "types": { "T": { "struct": {} }, "T": { "struct": { "a": "int" } } },
                "enums": { "T": { "struct": ["A"] } }
            }"#,
            "dup.json",
        )
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems,
        [
            "dup.json: types.T: defined twice in this object; the second one is ignored",
            "dup.json: enums.T: enum `T` is also defined at types.T; rename one of them",
        ]
    );
}

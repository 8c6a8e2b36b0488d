//! Import of json-ws description files (stub).

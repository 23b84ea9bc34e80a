//! Schemas of records whose JSON flattens an input type: the input refuses unknown fields, so
//! the record's schema cannot be `allOf` that input and its own fields (no object could match
//! both). It is one object: the input's properties and the record's own, open to extension.

use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, RefOr};

/// `base` (an inline object schema) with `extra` properties added, each required.
pub(crate) fn flattened(base: RefOr<Schema>, extra: Vec<(&str, RefOr<Schema>)>) -> RefOr<Schema> {
    let RefOr::T(Schema::Object(mut object)) = base else {
        panic!("a flattened input is an inline object schema");
    };
    for (name, schema) in extra {
        object.properties.insert(name.to_owned(), schema);
        object.required.push(name.to_owned());
    }
    object.additional_properties = None;
    RefOr::T(Schema::Object(object))
}

/// An integer id or version.
pub(crate) fn int64() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .into()
}

/// An ISO date.
pub(crate) fn date() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .into()
}

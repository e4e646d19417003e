//! Property tests of the XML-RPC codec: what it writes it reads back, and no
//! input makes it panic.

use odoo_core::xmlrpc::{
    XmlResponse, XmlValue, decode_call, decode_response, encode_call, encode_response,
};
use proptest::prelude::*;

fn arb_xml() -> impl Strategy<Value = XmlValue> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(XmlValue::Int),
        any::<bool>().prop_map(XmlValue::Bool),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(XmlValue::Double),
        // Any text XML 1.0 can carry (no control characters but tab/newline).
        "[\\PC\t\n&<>'\"]{0,20}".prop_map(XmlValue::String),
        Just(XmlValue::Nil),
        prop::collection::vec(any::<u8>(), 0..40).prop_map(XmlValue::Base64),
        "[0-9]{8}T[0-9]{2}:[0-9]{2}:[0-9]{2}".prop_map(XmlValue::DateTime),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(XmlValue::Array),
            prop::collection::vec(("[a-z_&<]{1,8}", inner), 0..5).prop_map(XmlValue::Struct),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encode_then_decode_gives_back_any_value(params in prop::collection::vec(arb_xml(), 0..4)) {
        let xml = encode_call("execute_kw", &params);
        let (method, back) = decode_call(xml.as_bytes()).unwrap();
        prop_assert_eq!(method, "execute_kw");
        prop_assert_eq!(back, params);
    }

    #[test]
    fn responses_round_trip(value in arb_xml(), code in any::<i32>(), text in "[\\PC\n]{0,40}") {
        let ok = XmlResponse::Success(value);
        prop_assert_eq!(decode_response(encode_response(&ok).as_bytes()).unwrap(), ok);
        let fault = XmlResponse::Fault { code: XmlValue::Int(i64::from(code)), string: text };
        prop_assert_eq!(decode_response(encode_response(&fault).as_bytes()).unwrap(), fault);
    }

    #[test]
    fn wire_values_survive_the_trip(value in arb_xml()) {
        // Through the wire Value and back: the XML-RPC form of that value.
        let wire = value.clone().into_value();
        let again = XmlValue::from_value(&wire).into_value();
        prop_assert_eq!(wire, again);
    }

    #[test]
    fn streaming_decode_agrees_with_the_tree(value in arb_xml()) {
        let xml = encode_response(&XmlResponse::Success(value.clone()));
        let streamed: serde_json::Value =
            odoo_core::xmlrpc::deserialize_result(xml.as_bytes()).unwrap();
        prop_assert_eq!(streamed, value.into_value());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode_response(&bytes);
        let _ = decode_call(&bytes);
        let _ = odoo_core::xmlrpc::deserialize_result::<serde_json::Value>(&bytes);
        let _ = odoo_core::decode::from_xmlrpc::<Vec<serde_json::Value>>(&bytes, "x");
    }

    #[test]
    fn mangled_documents_never_panic(value in arb_xml(), cut in 0usize..400, junk in "[<>/a-z&;#0-9 ]{0,12}") {
        let xml = encode_response(&XmlResponse::Success(value));
        let cut = cut.min(xml.len());
        let mut mangled = xml.as_bytes()[..cut].to_vec();
        mangled.extend_from_slice(junk.as_bytes());
        mangled.extend_from_slice(&xml.as_bytes()[cut..]);
        let _ = decode_response(&mangled);
        let _ = odoo_core::decode::from_xmlrpc::<serde_json::Value>(&mangled, "x");
    }
}

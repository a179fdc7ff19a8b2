// Reads a JSON array of line-protocol bodies on stdin; prints, per body, the crate's verdict for
// every record parse_lines yields: the parsed values or the error's Display text.
use influxdb_line_protocol::{parse_lines, FieldValue};
use serde_json::{json, Value};
use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let bodies: Vec<String> = serde_json::from_str(&input).unwrap();
    let mut out = Vec::new();
    for body in &bodies {
        let mut records = Vec::new();
        for r in parse_lines(body) {
            match r {
                Ok(l) => {
                    let tags: Vec<Value> = l.series.tag_set.as_ref().map(|ts| ts.iter().map(|(k, v)| json!([k.as_str(), v.as_str()])).collect()).unwrap_or_default();
                    let fields: Vec<Value> = l.field_set.iter().map(|(k, v)| {
                        let val = match v {
                            FieldValue::I64(i) => json!({"int": i.to_string()}),
                            FieldValue::U64(u) => json!({"uint": u.to_string()}),
                            FieldValue::F64(f) => json!({"float": if f.is_finite() { format!("{:?}", f) } else { f.to_string() }}),
                            FieldValue::String(s) => json!({"string": s.as_str()}),
                            FieldValue::Boolean(b) => json!({"bool": b}),
                        };
                        json!([k.as_str(), val])
                    }).collect();
                    let mut rec = json!({"measurement": l.series.measurement.as_str(), "tags": tags, "fields": fields, "display": l.to_string()});
                    if let Some(t) = l.timestamp { rec["timestamp"] = json!(t.to_string()); }
                    records.push(rec);
                }
                Err(e) => records.push(json!({"error": e.to_string()})),
            }
        }
        out.push(json!({"input": body, "records": records}));
    }
    println!("{}", serde_json::to_string(&out).unwrap());
}

//! The objects an incremental update adds or replaces: signature fields
//! and their widgets, with what keeps a signed file PDF/A and PDF/UA (an
//! appearance, a `Form` element in the structure tree, the page's tab
//! order following the structure).

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::keys::KeyError;

/// Why a PDF could not be signed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SignError {
    /// The signer cannot sign this document.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The PDF is not one dossier can sign.
    #[error("cannot sign: {0}")]
    Pdf(String),
    /// The validation data of a signature could not be had.
    #[error("cannot embed validation data: {0}")]
    Validation(String),
    /// A time-stamping authority gave no token.
    #[error(transparent)]
    Tsa(#[from] super::tsa::TsaError),
}

/// The appearance of a signature field `width` by `height` points: empty
/// while unsigned; once signed, a frame with a tick at its left, in grey.
pub(super) fn appearance(width: f64, height: f64, signed: bool) -> Object {
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    dict.set(
        "BBox",
        Object::Array(vec![
            Object::Real(0.0),
            Object::Real(0.0),
            Object::Real(width as f32),
            Object::Real(height as f32),
        ]),
    );
    dict.set("Resources", Object::Dictionary(Dictionary::new()));
    let content = if signed {
        let (w, h) = (width - 1.0, height - 1.0);
        let (x, y, s) = (8.0, height / 2.0, (height / 4.0).min(10.0));
        format!(
            "q 0.45 g 0.45 G 0.8 w 0.5 0.5 {w:.2} {h:.2} re S 1.6 w {:.2} {:.2} m {:.2} {:.2} l {:.2} {:.2} l S Q",
            x,
            y,
            x + s * 0.6,
            y - s * 0.7,
            x + s * 1.6,
            y + s * 0.8
        )
        .into_bytes()
    } else {
        Vec::new()
    };
    Object::Stream(lopdf::Stream::new(dict, content))
}

/// A widget's `/Rect`, as numbers.
pub(super) fn rect_of(widget: &Dictionary) -> [f64; 4] {
    let numbers: Vec<f64> = widget
        .get(b"Rect")
        .and_then(Object::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_float().ok())
                .map(f64::from)
                .collect()
        })
        .unwrap_or_default();
    match numbers[..] {
        [a, b, c, d] => [a.min(c), b.min(d), a.max(c), b.max(d)],
        _ => [0.0; 4],
    }
}

/// The catalog's object id.
pub(super) fn catalog_id(doc: &Document) -> Result<ObjectId, SignError> {
    doc.trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| fail(format!("no catalog: {e}")))
}

/// The object id of page `number`, from 1.
pub(super) fn page_id(doc: &Document, number: usize) -> Result<ObjectId, SignError> {
    doc.get_pages()
        .get(&(number as u32))
        .copied()
        .ok_or_else(|| fail(format!("the PDF has no page {number}")))
}

/// Puts the widget `widget_id` among the annotations of its page and the
/// fields of the form.
pub(super) fn add_widget(
    doc: &Document,
    new: &mut Update,
    catalog_id: ObjectId,
    page_id: ObjectId,
    widget_id: ObjectId,
) -> Result<(), SignError> {
    let page = page_with(doc, new, page_id, widget_id)?;
    new.objects.insert(page_id, Object::Dictionary(page));
    let catalog = catalog_with(doc, new, catalog_id, widget_id)?;
    new.objects.insert(catalog_id, Object::Dictionary(catalog));
    Ok(())
}

/// A PDF that cannot be signed, and why.
pub(super) fn fail(message: String) -> SignError {
    SignError::Pdf(message)
}

/// Adds to the structure tree, when `doc` has one, a `Form` element for
/// the widget `widget_id` under the document's top element (found through
/// the parent tree's next key); returns the widget's `StructParent`.
pub(super) fn add_form_element(
    doc: &Document,
    new: &mut Update,
    page_id: ObjectId,
    widget_id: ObjectId,
    form_id: ObjectId,
) -> Result<Option<i64>, SignError> {
    let tree_id = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"StructTreeRoot").ok())
        .and_then(|o| o.as_reference().ok());
    let Some(tree_id) = tree_id else {
        return Ok(None);
    };
    let mut tree = new.dictionary(doc, tree_id)?;
    let key = tree
        .get(b"ParentTreeNextKey")
        .and_then(Object::as_i64)
        .unwrap_or(0);
    // The element the Form joins: the root's single top element, when it
    // is an object of its own; the root otherwise.
    let top = match tree.get(b"K") {
        Ok(Object::Reference(id)) => Some(*id),
        Ok(Object::Array(kids)) if kids.len() == 1 => kids[0].as_reference().ok(),
        _ => None,
    };
    let form = form_element(top.unwrap_or(tree_id), page_id, widget_id);
    new.objects.insert(form_id, Object::Dictionary(form));
    if let Some(top) = top {
        let mut element = new.dictionary(doc, top)?;
        append(&mut element, b"K", Object::Reference(form_id));
        new.objects.insert(top, Object::Dictionary(element));
    } else {
        append(&mut tree, b"K", Object::Reference(form_id));
    }
    // The parent tree maps the widget's StructParent to the Form.
    match tree.get(b"ParentTree") {
        Ok(Object::Reference(parent_tree_id)) => {
            let mut parent_tree = new.dictionary(doc, *parent_tree_id)?;
            add_number(&mut parent_tree, key, form_id, new)?;
            new.objects
                .insert(*parent_tree_id, Object::Dictionary(parent_tree));
        }
        Ok(Object::Dictionary(parent_tree)) => {
            let mut parent_tree = parent_tree.clone();
            add_number(&mut parent_tree, key, form_id, new)?;
            tree.set("ParentTree", Object::Dictionary(parent_tree));
        }
        _ => return Err(fail("the structure tree has no parent tree".into())),
    }
    tree.set("ParentTreeNextKey", Object::Integer(key + 1));
    new.objects.insert(tree_id, Object::Dictionary(tree));
    Ok(Some(key))
}

/// The `Form` structure element of the widget `widget_id`, under `parent`.
fn form_element(parent: ObjectId, page_id: ObjectId, widget_id: ObjectId) -> Dictionary {
    let mut form = Dictionary::new();
    form.set("Type", Object::Name(b"StructElem".to_vec()));
    form.set("S", Object::Name(b"Form".to_vec()));
    form.set("P", Object::Reference(parent));
    form.set("Pg", Object::Reference(page_id));
    let mut objr = Dictionary::new();
    objr.set("Type", Object::Name(b"OBJR".to_vec()));
    objr.set("Obj", Object::Reference(widget_id));
    objr.set("Pg", Object::Reference(page_id));
    form.set("K", Object::Dictionary(objr));
    form
}

/// The page `page_id` with the widget among its annotations and its tab
/// order following the structure.
fn page_with(
    doc: &Document,
    new: &Update,
    page_id: ObjectId,
    widget_id: ObjectId,
) -> Result<Dictionary, SignError> {
    let mut page = new.dictionary(doc, page_id)?;
    let annots = match page.get(b"Annots") {
        Ok(Object::Reference(id)) => doc.get_object(*id).ok().cloned(),
        Ok(other) => Some(other.clone()),
        Err(_) => None,
    };
    let mut annots = match annots {
        Some(Object::Array(list)) => list,
        _ => Vec::new(),
    };
    annots.push(Object::Reference(widget_id));
    page.set("Annots", Object::Array(annots));
    page.set("Tabs", Object::Name(b"S".to_vec()));
    Ok(page)
}

/// The catalog with the field in its form (its `/Fields` read through a
/// reference when it is one), which now holds signatures.
pub(super) fn catalog_with(
    doc: &Document,
    new: &Update,
    catalog_id: ObjectId,
    widget_id: ObjectId,
) -> Result<Dictionary, SignError> {
    let mut catalog = new.dictionary(doc, catalog_id)?;
    let mut form = match catalog.get(b"AcroForm") {
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(Object::Reference(id)) => doc
            .get_dictionary(*id)
            .map_err(|e| fail(e.to_string()))?
            .clone(),
        _ => Dictionary::new(),
    };
    let mut fields = form
        .get(b"Fields")
        .ok()
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_array().ok())
        .cloned()
        .unwrap_or_default();
    fields.push(Object::Reference(widget_id));
    form.set("Fields", Object::Array(fields));
    form.set("SigFlags", Object::Integer(3));
    catalog.set("AcroForm", Object::Dictionary(form));
    Ok(catalog)
}

/// `pdf` (parsed as `doc`) with the update `new` appended.
pub(super) fn write_update(pdf: &[u8], doc: Document, new: Update) -> Result<Vec<u8>, SignError> {
    let mut inc = lopdf::IncrementalDocument::create_from(pdf.to_vec(), doc);
    inc.new_document.max_id = new.next;
    inc.new_document.objects = new.objects;
    let mut out = Vec::with_capacity(pdf.len() + 64 * 1024);
    inc.save_to(&mut out).map_err(|e| fail(e.to_string()))?;
    crate::pipeline::typeset::end_line(&mut out);
    Ok(out)
}

/// The objects an incremental update adds or replaces, and the last
/// object number in use.
pub(super) struct Update {
    pub(super) next: u32,
    pub(super) objects: std::collections::BTreeMap<ObjectId, Object>,
}

impl Update {
    pub(super) fn new(doc: &Document) -> Self {
        Self {
            next: doc.max_id,
            objects: std::collections::BTreeMap::new(),
        }
    }

    /// The dictionary `id` as the update has it so far: its own copy when
    /// it already replaces it, the document's otherwise.
    pub(super) fn dictionary(&self, doc: &Document, id: ObjectId) -> Result<Dictionary, SignError> {
        match self.objects.get(&id) {
            Some(Object::Dictionary(d)) => Ok(d.clone()),
            _ => doc
                .get_dictionary(id)
                .cloned()
                .map_err(|e| fail(e.to_string())),
        }
    }

    pub(super) fn new_object_id(&mut self) -> ObjectId {
        self.next += 1;
        (self.next, 0)
    }
}

/// Appends `value` to the array under `key` (a single value becomes an
/// array of two).
fn append(dict: &mut Dictionary, key: &[u8], value: Object) {
    let list = match dict.get(key) {
        Ok(Object::Array(list)) => {
            let mut list = list.clone();
            list.push(value);
            list
        }
        Ok(other) => vec![other.clone(), value],
        Err(_) => vec![value],
    };
    dict.set(key, Object::Array(list));
}

/// Adds `key → value` to a number tree whose keys are all below `key`: to
/// its `/Nums`, or as a new last leaf under its `/Kids`.
fn add_number(
    tree: &mut Dictionary,
    key: i64,
    value: ObjectId,
    new: &mut Update,
) -> Result<(), SignError> {
    if tree.has(b"Nums") {
        let mut nums = tree
            .get(b"Nums")
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default();
        nums.push(Object::Integer(key));
        nums.push(Object::Reference(value));
        tree.set("Nums", Object::Array(nums));
        return Ok(());
    }
    let Ok(kids) = tree.get(b"Kids").and_then(Object::as_array).cloned() else {
        return Err(SignError::Pdf(
            "the parent tree has neither /Nums nor /Kids".into(),
        ));
    };
    let mut leaf = Dictionary::new();
    leaf.set(
        "Limits",
        Object::Array(vec![Object::Integer(key), Object::Integer(key)]),
    );
    leaf.set(
        "Nums",
        Object::Array(vec![Object::Integer(key), Object::Reference(value)]),
    );
    let leaf_id = new.new_object_id();
    new.objects.insert(leaf_id, Object::Dictionary(leaf));
    let mut kids = kids;
    kids.push(Object::Reference(leaf_id));
    tree.set("Kids", Object::Array(kids));
    Ok(())
}

//! One walk over a YAML event stream (yaml-rust2), before any value is built:
//! time and memory stay proportional to the text, whatever it expands to.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

/// A field path as a walk builds it, segment by segment.
pub trait FieldPath: Clone {
    /// The document itself.
    fn root() -> Self;
    /// The field `name` of a mapping at this path.
    fn key(&self, name: &str) -> Self;
    /// Item `index` of a list at this path.
    fn index(&self, index: usize) -> Self;
}

/// Paths written as text: `baseline.requests_per_day`, `options[0].id`.
impl FieldPath for String {
    fn root() -> Self {
        String::new()
    }
    fn key(&self, name: &str) -> Self {
        join(self, name)
    }
    fn index(&self, index: usize) -> Self {
        format!("{self}[{index}]")
    }
}

/// Paths as segments, so that names may hold dots: `["api", "gpt-4.1"]`,
/// with list items as `"[0]"`.
impl FieldPath for Vec<String> {
    fn root() -> Self {
        Vec::new()
    }
    fn key(&self, name: &str) -> Self {
        let mut p = self.clone();
        p.push(name.to_string());
        p
    }
    fn index(&self, index: usize) -> Self {
        let mut p = self.clone();
        p.push(format!("[{index}]"));
        p
    }
}

/// A field below `path`, written as text.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// What a walk refuses. `None` and `false` refuse nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// Collections nested deeper than this.
    pub max_depth: Option<usize>,
    /// More nodes than this, counting each alias as the nodes it repeats.
    pub max_nodes: Option<usize>,
    /// Keys longer than this many bytes.
    pub max_key_bytes: Option<usize>,
    /// A second document in the stream.
    pub one_document: bool,
    /// When true, an alias used as a key is let through (the deserializer
    /// then reports it); when false it is refused.
    pub alias_keys: bool,
}

/// Why a walk stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The YAML parser refused the text; `info` is its message.
    Syntax { info: String },
    /// Nested deeper than [`Limits::max_depth`].
    TooDeep,
    /// Expands to more than [`Limits::max_nodes`].
    TooManyNodes,
    /// A key longer than [`Limits::max_key_bytes`].
    LongKey { bytes: usize },
    /// A mapping or a list used as a key.
    CollectionKey,
    /// An alias used as a key (refused unless [`Limits::alias_keys`]).
    AliasKey,
    /// A second document (refused with [`Limits::one_document`]).
    SecondDocument,
}

/// Where and why a walk stopped: `path` is the field being read (the
/// document's for [`Refusal::TooManyNodes`] and [`Refusal::SecondDocument`]).
#[derive(Debug)]
pub struct WalkError<P> {
    /// Line and column, both from 1.
    pub pos: (usize, usize),
    pub path: P,
    pub refusal: Refusal,
}

/// What holds a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    Document,
    Mapping,
    List,
}

/// What a walk tells, in file order. Positions are line and column, from 1.
pub trait Visitor<P> {
    /// Every event, before anything else is said about it.
    fn event(&mut self, _mark: &Marker) {}
    /// A key of the mapping at `parent`; `first_line` is where the same key
    /// was first written in that mapping, if it was.
    fn key(
        &mut self,
        _parent: &P,
        _name: &str,
        _path: &P,
        _pos: (usize, usize),
        _first_line: Option<usize>,
    ) {
    }
    /// A scalar value.
    fn scalar(&mut self, _path: &P, _value: &str, _style: TScalarStyle, _mark: &Marker) {}
    /// An alias as a value.
    fn alias(&mut self, _path: &P, _pos: (usize, usize)) {}
    /// A mapping or list starts as a value.
    fn collection(&mut self, _path: &P, _pos: (usize, usize), _within: Within) {}
}

/// Walks `text`'s YAML event stream once, telling `visitor` where things
/// stand and stopping at the first thing `limits` refuse.
pub fn walk<P: FieldPath, V: Visitor<P>>(
    text: &str,
    limits: Limits,
    visitor: &mut V,
) -> Result<(), WalkError<P>> {
    let mut parser = Parser::new_from_str(text);
    let mut walker = Walker {
        limits,
        visitor,
        stack: Vec::new(),
        nodes: 0,
        anchor_sizes: HashMap::new(),
        open_sizes: Vec::new(),
    };
    loop {
        let (event, mark) = parser.next_token().map_err(|e| walker.syntax_error(&e))?;
        walker.visitor.event(&mark);
        if matches!(event, Event::StreamEnd) {
            return Ok(());
        }
        walker.step(event, &mark)?;
    }
}

enum Frame<P> {
    Map {
        key: Option<String>,
        path: P,
        /// Keys seen in this mapping, with the line each was written on.
        seen: HashMap<String, usize>,
    },
    Seq {
        index: usize,
        path: P,
    },
}

struct Walker<'v, P, V> {
    limits: Limits,
    visitor: &'v mut V,
    stack: Vec<Frame<P>>,
    /// Nodes so far, aliases counted as the nodes they repeat.
    nodes: usize,
    /// Nodes per anchor (counted only under [`Limits::max_nodes`]).
    anchor_sizes: HashMap<usize, usize>,
    /// (anchor, nodes so far) of each open collection.
    open_sizes: Vec<(usize, usize)>,
}

impl<P: FieldPath, V: Visitor<P>> Walker<'_, P, V> {
    fn step(&mut self, event: Event, mark: &Marker) -> Result<(), WalkError<P>> {
        let pos = (mark.line(), mark.col() + 1);
        match event {
            Event::Scalar(value, style, anchor, _) => self.scalar(value, style, anchor, mark),
            Event::Alias(anchor) => self.alias(anchor, pos),
            Event::MappingStart(anchor, _) => self.open(anchor, true, pos),
            Event::SequenceStart(anchor, _) => self.open(anchor, false, pos),
            Event::MappingEnd | Event::SequenceEnd => {
                self.close();
                Ok(())
            }
            Event::DocumentStart if self.limits.one_document && self.nodes > 0 => {
                Err(self.refuse(pos, P::root(), Refusal::SecondDocument))
            }
            _ => Ok(()),
        }
    }

    fn refuse(&self, pos: (usize, usize), path: P, refusal: Refusal) -> WalkError<P> {
        WalkError { pos, path, refusal }
    }

    fn syntax_error(&self, e: &ScanError) -> WalkError<P> {
        let m = e.marker();
        let info = e.info().to_string();
        self.refuse(
            (m.line(), m.col() + 1),
            self.node_path().0,
            Refusal::Syntax { info },
        )
    }

    /// The path a new node at the current position takes, and whether it is a key.
    fn node_path(&self) -> (P, bool) {
        match self.stack.last() {
            None => (P::root(), false),
            Some(Frame::Map {
                key: None, path, ..
            }) => (path.clone(), true),
            Some(Frame::Map {
                key: Some(k), path, ..
            }) => (path.key(k), false),
            Some(Frame::Seq { index, path }) => (path.index(*index), false),
        }
    }

    /// After a value is complete: advance the parent.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            None => {}
        }
    }

    /// Counts `n` more nodes, refusing past [`Limits::max_nodes`].
    fn count(&mut self, n: usize, pos: (usize, usize)) -> Result<(), WalkError<P>> {
        self.nodes = self.nodes.saturating_add(n);
        let Some(max) = self.limits.max_nodes else {
            return Ok(());
        };
        for (_, size) in self.open_sizes.iter_mut() {
            *size = size.saturating_add(n);
        }
        if self.nodes > max {
            return Err(self.refuse(pos, P::root(), Refusal::TooManyNodes));
        }
        Ok(())
    }

    fn scalar(
        &mut self,
        value: String,
        style: TScalarStyle,
        anchor: usize,
        mark: &Marker,
    ) -> Result<(), WalkError<P>> {
        let pos = (mark.line(), mark.col() + 1);
        self.count(1, pos)?;
        if anchor > 0 {
            self.anchor_sizes.insert(anchor, 1);
        }
        let (path, is_key) = self.node_path();
        if !is_key {
            self.visitor.scalar(&path, &value, style, mark);
            self.value_done();
            return Ok(());
        }
        if self
            .limits
            .max_key_bytes
            .is_some_and(|max| value.len() > max)
        {
            let bytes = value.len();
            return Err(self.refuse(pos, path, Refusal::LongKey { bytes }));
        }
        let full = path.key(&value);
        if let Some(Frame::Map { key, seen, .. }) = self.stack.last_mut() {
            let first_line = seen.get(&value).copied();
            if first_line.is_none() {
                seen.insert(value.clone(), pos.0);
            }
            self.visitor.key(&path, &value, &full, pos, first_line);
            *key = Some(value);
        }
        Ok(())
    }

    fn alias(&mut self, anchor: usize, pos: (usize, usize)) -> Result<(), WalkError<P>> {
        let size = self.anchor_sizes.get(&anchor).copied().unwrap_or(1);
        self.count(size, pos)?;
        let (path, is_key) = self.node_path();
        if !is_key {
            self.visitor.alias(&path, pos);
            self.value_done();
            return Ok(());
        }
        if !self.limits.alias_keys {
            return Err(self.refuse(pos, path, Refusal::AliasKey));
        }
        // Keep the shape; the deserializer reports it.
        if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
            *key = Some("*alias".to_string());
        }
        Ok(())
    }

    fn open(
        &mut self,
        anchor: usize,
        mapping: bool,
        pos: (usize, usize),
    ) -> Result<(), WalkError<P>> {
        self.count(1, pos)?;
        let (path, is_key) = self.node_path();
        if self
            .limits
            .max_depth
            .is_some_and(|max| self.stack.len() >= max)
        {
            return Err(self.refuse(pos, path, Refusal::TooDeep));
        }
        if is_key {
            return Err(self.refuse(pos, path, Refusal::CollectionKey));
        }
        let within = match self.stack.last() {
            None => Within::Document,
            Some(Frame::Map { .. }) => Within::Mapping,
            Some(Frame::Seq { .. }) => Within::List,
        };
        self.visitor.collection(&path, pos, within);
        if self.limits.max_nodes.is_some() {
            self.open_sizes.push((anchor, 1));
        }
        self.stack.push(if mapping {
            Frame::Map {
                key: None,
                path,
                seen: HashMap::new(),
            }
        } else {
            Frame::Seq { index: 0, path }
        });
        Ok(())
    }

    fn close(&mut self) {
        self.stack.pop();
        if let Some((anchor, size)) = self.open_sizes.pop() {
            if anchor > 0 {
                self.anchor_sizes.insert(anchor, size);
            }
        }
        self.value_done();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what a walk tells, as text.
    #[derive(Default)]
    struct Log(Vec<String>);

    impl Visitor<String> for Log {
        fn key(
            &mut self,
            _: &String,
            _: &str,
            path: &String,
            pos: (usize, usize),
            first: Option<usize>,
        ) {
            self.0.push(format!("key {path} {pos:?} {first:?}"));
        }
        fn scalar(&mut self, path: &String, value: &str, _: TScalarStyle, m: &Marker) {
            self.0.push(format!(
                "scalar {path}={value} {}:{}",
                m.line(),
                m.col() + 1
            ));
        }
        fn alias(&mut self, path: &String, pos: (usize, usize)) {
            self.0.push(format!("alias {path} {pos:?}"));
        }
        fn collection(&mut self, path: &String, pos: (usize, usize), within: Within) {
            self.0.push(format!("collection {path} {pos:?} {within:?}"));
        }
    }

    fn refusal(text: &str, limits: Limits) -> Refusal {
        walk::<String, _>(text, limits, &mut Log::default())
            .unwrap_err()
            .refusal
    }

    #[test]
    fn a_walk_tells_every_key_value_and_collection_with_its_path() {
        let mut log = Log::default();
        walk(
            "a: 1\nb: [x, &y {c: 2}, *y]\na: 3\n",
            Limits::default(),
            &mut log,
        )
        .unwrap();
        assert_eq!(
            log.0,
            [
                "collection  (1, 2) Document",
                "key a (1, 1) None",
                "scalar a=1 1:4",
                "key b (2, 1) None",
                "collection b (2, 4) Mapping",
                "scalar b[0]=x 2:5",
                "collection b[1] (2, 11) List",
                "key b[1].c (2, 12) None",
                "scalar b[1].c=2 2:15",
                "alias b[2] (2, 19)",
                "key a (3, 1) Some(1)",
                "scalar a=3 3:4",
            ]
        );
    }

    #[test]
    fn segment_paths_keep_dots_inside_names() {
        #[derive(Default)]
        struct Paths(Vec<Vec<String>>);
        impl Visitor<Vec<String>> for Paths {
            fn scalar(&mut self, path: &Vec<String>, _: &str, _: TScalarStyle, _: &Marker) {
                self.0.push(path.clone());
            }
        }
        let mut paths = Paths::default();
        walk("api:\n  gpt-4.1: [1]\n", Limits::default(), &mut paths).unwrap();
        assert_eq!(paths.0, [vec!["api", "gpt-4.1", "[0]"]]);
    }

    #[test]
    fn limits_refuse_only_what_they_name() {
        let none = Limits::default();
        let strict = Limits {
            max_depth: Some(3),
            max_nodes: Some(20),
            max_key_bytes: Some(4),
            one_document: true,
            alias_keys: true,
        };
        let deep = "a: [[[[1]]]]\n";
        assert_eq!(refusal(deep, strict), Refusal::TooDeep);
        assert!(walk::<String, _>(deep, none, &mut Log::default()).is_ok());
        let bomb = "a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a, *a]\n";
        assert_eq!(refusal(bomb, strict), Refusal::TooManyNodes);
        assert_eq!(
            refusal("long_key: 1\n", strict),
            Refusal::LongKey { bytes: 8 }
        );
        assert_eq!(
            refusal("a: 1\n---\nb: 2\n", strict),
            Refusal::SecondDocument
        );
        assert!(walk::<String, _>("a: 1\n---\nb: 2\n", none, &mut Log::default()).is_ok());
        assert_eq!(refusal("? [a]\n: 1\n", none), Refusal::CollectionKey);
        assert_eq!(refusal("a: &k x\n*k : 1\n", none), Refusal::AliasKey);
        assert!(walk::<String, _>("a: &k x\n*k : 1\n", strict, &mut Log::default()).is_ok());
        assert!(matches!(refusal("a: [1\n", none), Refusal::Syntax { .. }));
    }
}

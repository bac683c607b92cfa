//! The grammar webonyx/graphql-php v15's `Parser::parse` accepts with Magento's options (none),
//! as a recogniser: it builds nothing, it only finds the first error webonyx would report.
//!
//! Token by token it asks the same questions in the same order as `Language/Parser.php`, so the
//! first token it refuses (and any lexer error on the way) is webonyx's. The three recursive
//! rules (selection sets, list and object values, list types) are loops with a counter or a
//! stack here, so no document can exhaust the call stack.

use super::lexer::{Kind, Lexer, Token};
use super::{DefinedName, Failure, Layout, TypeSystemDefinition, token_value};

type Step<T = ()> = Result<T, Failure>;

/// `DirectiveLocation::LOCATIONS`.
const DIRECTIVE_LOCATIONS: [&str; 19] = [
    "QUERY",
    "MUTATION",
    "SUBSCRIPTION",
    "FIELD",
    "FRAGMENT_DEFINITION",
    "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
    "SCHEMA",
    "SCALAR",
    "OBJECT",
    "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION",
    "INTERFACE",
    "UNION",
    "ENUM",
    "ENUM_VALUE",
    "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION",
];

pub(super) struct Parser<'a> {
    text: &'a str,
    lexer: Lexer<'a>,
    token: Token,
    ahead: Option<Token>,
    /// Byte offset where the last consumed token ended.
    last_end: usize,
    /// The name a type-system definition defines, once read.
    defined: Option<Token>,
    defining_directive: bool,
    pub(super) layout: Layout,
}

enum Open {
    List,
    Object,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let token = Token { kind: Kind::Sof, start: 0, end: 0, position: 0 };
        Self {
            text,
            lexer: Lexer::new(text),
            token,
            ahead: None,
            last_end: 0,
            defined: None,
            defining_directive: false,
            layout: Layout::default(),
        }
    }

    // ---- token handling (`peek`, `skip`, `expect`, ...) ----

    fn advance(&mut self) -> Step {
        if self.token.kind != Kind::Eof {
            self.last_end = self.token.end;
            self.token = match self.ahead.take() {
                Some(token) => token,
                None => self.lexer.next_token()?,
            };
        }
        Ok(())
    }

    fn lookahead(&mut self) -> Step<Token> {
        if self.token.kind == Kind::Eof {
            return Ok(self.token);
        }
        if self.ahead.is_none() {
            self.ahead = Some(self.lexer.next_token()?);
        }
        Ok(self.ahead.unwrap_or(self.token))
    }

    fn peek(&self, kind: Kind) -> bool {
        self.token.kind == kind
    }

    fn skip(&mut self, kind: Kind) -> Step<bool> {
        let matched = self.peek(kind);
        if matched {
            self.advance()?;
        }
        Ok(matched)
    }

    fn expect(&mut self, kind: Kind) -> Step<Token> {
        let token = self.token;
        if token.kind != kind {
            let message = format!("Expected {}, found {}", kind.as_str(), self.describe(token));
            return Err(Failure::Syntax { position: token.position, message });
        }
        self.advance()?;
        Ok(token)
    }

    fn text_of(&self, token: Token) -> &'a str {
        &self.text[token.start..token.end]
    }

    fn is_keyword(&self, token: Token, keyword: &str) -> bool {
        token.kind == Kind::Name && self.text_of(token) == keyword
    }

    fn expect_keyword(&mut self, keyword: &str) -> Step {
        if !self.is_keyword(self.token, keyword) {
            let message = format!("Expected \"{keyword}\", found {}", self.describe(self.token));
            return Err(Failure::Syntax { position: self.token.position, message });
        }
        self.advance()
    }

    fn optional_keyword(&mut self, keyword: &str) -> Step<bool> {
        let found = self.is_keyword(self.token, keyword);
        if found {
            self.advance()?;
        }
        Ok(found)
    }

    fn unexpected(&self, token: Token) -> Failure {
        Failure::Syntax { position: token.position, message: format!("Unexpected {}", self.describe(token)) }
    }

    /// `Token::getDescription`: the kind, then the value in quotes when the token has one.
    fn describe(&self, token: Token) -> String {
        match token.kind {
            Kind::Name | Kind::Int | Kind::Float | Kind::String | Kind::BlockString => {
                format!("{} \"{}\"", token.kind.as_str(), token_value(token.kind, self.text_of(token)))
            }
            kind => kind.as_str().to_owned(),
        }
    }

    /// `many`: one or more items between `open` and `close`.
    fn many(&mut self, open: Kind, item: fn(&mut Self) -> Step, close: Kind) -> Step {
        self.expect(open)?;
        item(self)?;
        while !self.skip(close)? {
            item(self)?;
        }
        Ok(())
    }

    // ---- documents and operations ----

    pub(super) fn document(&mut self) -> Step {
        self.advance()?;
        self.definition()?;
        while !self.skip(Kind::Eof)? {
            self.definition()?;
        }
        Ok(())
    }

    fn definition(&mut self) -> Step {
        match self.token.kind {
            Kind::Name => match self.text_of(self.token) {
                "query" | "mutation" | "subscription" => self.operation_definition(),
                "fragment" => self.fragment_definition(),
                "schema" | "scalar" | "type" | "interface" | "union" | "enum" | "input" | "directive" => {
                    self.noting_type_system(Self::type_system_definition)
                }
                "extend" => self.noting_type_system(Self::type_system_extension),
                _ => Err(self.unexpected(self.token)),
            },
            Kind::BraceL => self.operation_definition(),
            Kind::String | Kind::BlockString => self.noting_type_system(Self::type_system_definition),
            _ => Err(self.unexpected(self.token)),
        }
    }

    /// Parses a type-system definition and notes where it stands and what it names, for
    /// `ExecutableDefinitions` (async-graphql's parser refuses these documents outright).
    fn noting_type_system(&mut self, definition: fn(&mut Self) -> Step) -> Step {
        let (start, position) = (self.token.start, self.token.position);
        self.defined = None;
        self.defining_directive = false;
        definition(self)?;
        let name = match self.defined.take() {
            _ if self.defining_directive => DefinedName::Directive,
            Some(name) => DefinedName::Named(self.text_of(name).to_owned()),
            None => DefinedName::Schema,
        };
        let end = self.last_end;
        self.layout.type_system.push(TypeSystemDefinition { bytes: start..end, position, name });
        Ok(())
    }

    /// The name a type-system definition defines.
    fn defined_name(&mut self) -> Step {
        self.defined = Some(self.expect(Kind::Name)?);
        Ok(())
    }

    fn operation_definition(&mut self) -> Step {
        if self.peek(Kind::BraceL) {
            return self.selection_set();
        }
        self.operation_type()?;
        if self.peek(Kind::Name) {
            self.advance()?;
        }
        if self.peek(Kind::ParenL) {
            self.many(Kind::ParenL, Self::variable_definition, Kind::ParenR)?;
        }
        self.directives(false)?;
        self.selection_set()
    }

    fn operation_type(&mut self) -> Step {
        let token = self.expect(Kind::Name)?;
        match self.text_of(token) {
            "query" | "mutation" | "subscription" => Ok(()),
            _ => Err(self.unexpected(token)),
        }
    }

    fn variable_definition(&mut self) -> Step {
        self.expect(Kind::Dollar)?;
        self.expect(Kind::Name)?;
        self.expect(Kind::Colon)?;
        self.type_reference()?;
        let default_start = self.token.start;
        let has_default = self.skip(Kind::Equals)?;
        if has_default {
            self.value(true)?;
        }
        let default = default_start..self.last_end;
        if self.directives(true)? && has_default {
            self.layout.defaults_before_directives.push(default);
        }
        Ok(())
    }

    /// `{ selection+ }`, nested sets included, with a depth counter instead of recursion.
    fn selection_set(&mut self) -> Step {
        self.expect(Kind::BraceL)?;
        let mut depth = 1usize;
        loop {
            if self.selection()? {
                depth += 1;
                continue;
            }
            while self.skip(Kind::BraceR)? {
                depth -= 1;
                if depth == 0 {
                    return Ok(());
                }
            }
        }
    }

    /// One field or fragment, up to its own selection set: true when it opened one.
    fn selection(&mut self) -> Step<bool> {
        if self.skip(Kind::Spread)? {
            let has_type_condition = self.optional_keyword("on")?;
            if !has_type_condition && self.peek(Kind::Name) {
                self.advance()?;
                self.directives(false)?;
                return Ok(false);
            }
            if has_type_condition {
                self.expect(Kind::Name)?;
            }
            self.directives(false)?;
            self.expect(Kind::BraceL)?;
            return Ok(true);
        }
        self.expect(Kind::Name)?;
        if self.skip(Kind::Colon)? {
            self.expect(Kind::Name)?;
        }
        self.arguments(false)?;
        self.directives(false)?;
        self.skip(Kind::BraceL)
    }

    fn arguments(&mut self, is_const: bool) -> Step {
        if self.peek(Kind::ParenL) {
            let argument = if is_const { Self::const_argument } else { Self::argument };
            self.many(Kind::ParenL, argument, Kind::ParenR)?;
        }
        Ok(())
    }

    fn argument(&mut self) -> Step {
        self.expect(Kind::Name)?;
        self.expect(Kind::Colon)?;
        self.value(false)
    }

    fn const_argument(&mut self) -> Step {
        self.expect(Kind::Name)?;
        self.expect(Kind::Colon)?;
        self.value(true)
    }

    /// Zero or more directives: true when there was one.
    fn directives(&mut self, is_const: bool) -> Step<bool> {
        let mut any = false;
        while self.skip(Kind::At)? {
            self.expect(Kind::Name)?;
            self.arguments(is_const)?;
            any = true;
        }
        Ok(any)
    }

    fn fragment_definition(&mut self) -> Step {
        self.expect_keyword("fragment")?;
        // `parseFragmentName` refuses any token whose value is `on`, a string "on" too.
        if matches!(self.token.kind, Kind::Name | Kind::String | Kind::BlockString)
            && token_value(self.token.kind, self.text_of(self.token)) == "on"
        {
            return Err(self.unexpected(self.token));
        }
        self.expect(Kind::Name)?;
        self.expect_keyword("on")?;
        self.expect(Kind::Name)?;
        self.directives(false)?;
        self.selection_set()
    }

    // ---- values and types ----

    /// A value, lists and objects included, with a stack of the open ones instead of recursion.
    fn value(&mut self, is_const: bool) -> Step {
        let mut open = Vec::new();
        loop {
            match self.token.kind {
                Kind::BracketL => open.push(Open::List),
                Kind::BraceL => open.push(Open::Object),
                Kind::Int | Kind::Float | Kind::String | Kind::BlockString | Kind::Name => {}
                Kind::Dollar if !is_const => {
                    self.advance()?;
                    self.expect(Kind::Name)?;
                    self.close_values(&mut open)?;
                    if open.is_empty() {
                        return Ok(());
                    }
                    continue;
                }
                _ => return Err(self.unexpected(self.token)),
            }
            self.advance()?;
            self.close_values(&mut open)?;
            if open.is_empty() {
                return Ok(());
            }
        }
    }

    /// After a value (or an opening bracket): closes what ends here, and reads the field name
    /// of the next object field.
    fn close_values(&mut self, open: &mut Vec<Open>) -> Step {
        loop {
            match open.last() {
                None => return Ok(()),
                Some(Open::List) if self.skip(Kind::BracketR)? => {}
                Some(Open::List) => return Ok(()),
                Some(Open::Object) if self.skip(Kind::BraceR)? => {}
                Some(Open::Object) => {
                    self.expect(Kind::Name)?;
                    self.expect(Kind::Colon)?;
                    return Ok(());
                }
            }
            open.pop();
        }
    }

    /// `Type`, `[Type]`, `Type!`... with a counter of the open lists instead of recursion.
    fn type_reference(&mut self) -> Step {
        let mut lists = 0usize;
        while self.skip(Kind::BracketL)? {
            lists += 1;
        }
        self.expect(Kind::Name)?;
        self.skip(Kind::Bang)?;
        for _ in 0..lists {
            self.expect(Kind::BracketR)?;
            self.skip(Kind::Bang)?;
        }
        Ok(())
    }

    // ---- type system definitions (parsed, then refused by validation) ----

    fn description(&mut self) -> Step {
        if self.peek(Kind::String) || self.peek(Kind::BlockString) {
            self.advance()?;
        }
        Ok(())
    }

    fn type_system_definition(&mut self) -> Step {
        let keyword =
            if self.peek(Kind::String) || self.peek(Kind::BlockString) { self.lookahead()? } else { self.token };
        if keyword.kind == Kind::Name {
            match self.text_of(keyword) {
                "schema" => return self.schema_definition(),
                "scalar" => return self.scalar_definition(),
                "type" => return self.object_definition("type"),
                "interface" => return self.object_definition("interface"),
                "union" => return self.union_definition(),
                "enum" => return self.enum_definition(),
                "input" => return self.input_definition(),
                "directive" => return self.directive_definition(),
                _ => {}
            }
        }
        Err(self.unexpected(keyword))
    }

    /// `schema` takes no description: webonyx expects the keyword where the string is.
    fn schema_definition(&mut self) -> Step {
        self.expect_keyword("schema")?;
        self.directives(true)?;
        self.many(Kind::BraceL, Self::operation_type_definition, Kind::BraceR)
    }

    fn operation_type_definition(&mut self) -> Step {
        self.operation_type()?;
        self.expect(Kind::Colon)?;
        self.expect(Kind::Name)?;
        Ok(())
    }

    fn scalar_definition(&mut self) -> Step {
        self.description()?;
        self.expect_keyword("scalar")?;
        self.defined_name()?;
        self.directives(true)?;
        Ok(())
    }

    /// `type` and `interface` definitions share their shape.
    fn object_definition(&mut self, keyword: &str) -> Step {
        self.description()?;
        self.expect_keyword(keyword)?;
        self.defined_name()?;
        self.implements_interfaces()?;
        self.directives(true)?;
        self.fields_definition()?;
        Ok(())
    }

    fn implements_interfaces(&mut self) -> Step<bool> {
        if !self.optional_keyword("implements")? {
            return Ok(false);
        }
        self.skip(Kind::Amp)?;
        loop {
            self.expect(Kind::Name)?;
            if !self.skip(Kind::Amp)? {
                return Ok(true);
            }
        }
    }

    fn fields_definition(&mut self) -> Step<bool> {
        self.braced(Self::field_definition)
    }

    /// An optional `{ item+ }`: true when present.
    fn braced(&mut self, item: fn(&mut Self) -> Step) -> Step<bool> {
        if !self.peek(Kind::BraceL) {
            return Ok(false);
        }
        self.many(Kind::BraceL, item, Kind::BraceR)?;
        Ok(true)
    }

    fn field_definition(&mut self) -> Step {
        self.description()?;
        self.expect(Kind::Name)?;
        self.arguments_definition()?;
        self.expect(Kind::Colon)?;
        self.type_reference()?;
        self.directives(true)?;
        Ok(())
    }

    fn arguments_definition(&mut self) -> Step {
        if self.peek(Kind::ParenL) {
            self.many(Kind::ParenL, Self::input_value_definition, Kind::ParenR)?;
        }
        Ok(())
    }

    fn input_value_definition(&mut self) -> Step {
        self.description()?;
        self.expect(Kind::Name)?;
        self.expect(Kind::Colon)?;
        self.type_reference()?;
        if self.skip(Kind::Equals)? {
            self.value(true)?;
        }
        self.directives(true)?;
        Ok(())
    }

    fn union_definition(&mut self) -> Step {
        self.description()?;
        self.expect_keyword("union")?;
        self.defined_name()?;
        self.directives(true)?;
        self.union_members()?;
        Ok(())
    }

    fn union_members(&mut self) -> Step<bool> {
        if !self.skip(Kind::Equals)? {
            return Ok(false);
        }
        self.skip(Kind::Pipe)?;
        loop {
            self.expect(Kind::Name)?;
            if !self.skip(Kind::Pipe)? {
                return Ok(true);
            }
        }
    }

    fn enum_definition(&mut self) -> Step {
        self.description()?;
        self.expect_keyword("enum")?;
        self.defined_name()?;
        self.directives(true)?;
        self.braced(Self::enum_value_definition)?;
        Ok(())
    }

    fn enum_value_definition(&mut self) -> Step {
        self.description()?;
        self.expect(Kind::Name)?;
        self.directives(true)?;
        Ok(())
    }

    fn input_definition(&mut self) -> Step {
        self.description()?;
        self.expect_keyword("input")?;
        self.defined_name()?;
        self.directives(true)?;
        self.braced(Self::input_value_definition)?;
        Ok(())
    }

    fn directive_definition(&mut self) -> Step {
        self.description()?;
        self.expect_keyword("directive")?;
        self.defining_directive = true;
        self.expect(Kind::At)?;
        self.expect(Kind::Name)?;
        self.arguments_definition()?;
        self.optional_keyword("repeatable")?;
        self.expect_keyword("on")?;
        self.skip(Kind::Pipe)?;
        loop {
            let location = self.expect(Kind::Name)?;
            if !DIRECTIVE_LOCATIONS.contains(&self.text_of(location)) {
                return Err(self.unexpected(location));
            }
            if !self.skip(Kind::Pipe)? {
                return Ok(());
            }
        }
    }

    fn type_system_extension(&mut self) -> Step {
        let keyword = self.lookahead()?;
        let kind = if keyword.kind == Kind::Name { self.text_of(keyword) } else { "" };
        if !matches!(kind, "schema" | "scalar" | "type" | "interface" | "union" | "enum" | "input") {
            return Err(self.unexpected(keyword));
        }
        self.expect_keyword("extend")?;
        self.expect_keyword(kind)?;
        if kind == "schema" {
            // webonyx builds, and forgets to throw, its error for an empty schema extension.
            self.directives(true)?;
            self.braced(Self::operation_type_definition)?;
            return Ok(());
        }
        self.defined_name()?;
        let extended = match kind {
            "type" | "interface" => {
                let interfaces = self.implements_interfaces()?;
                let directives = self.directives(true)?;
                let fields = self.fields_definition()?;
                interfaces || directives || fields
            }
            "union" => {
                let directives = self.directives(true)?;
                let members = self.union_members()?;
                directives || members
            }
            "enum" => {
                let directives = self.directives(true)?;
                let values = self.braced(Self::enum_value_definition)?;
                directives || values
            }
            "input" => {
                let directives = self.directives(true)?;
                let fields = self.braced(Self::input_value_definition)?;
                directives || fields
            }
            _ => self.directives(true)?,
        };
        if extended { Ok(()) } else { Err(self.unexpected(self.token)) }
    }
}

// The schedc source language (see LANGUAGE.md).
//
// Algorithms, hardware descriptions and schedules share one Python-like
// statement and expression syntax: a type annotation `f32[N, M] @ DRAM` is an
// ordinary expression (`@` binds like `*`), a memory field `read: false` is a
// declaration statement. The frontend gives each construct its meaning and
// reports misuse with a location; the grammar only fixes the shape.
//
// INDENT and DEDENT are produced by frontend/IndentingLexer, which wraps the
// generated lexer: NEWLINE tokens carry the next line's indentation, and
// newlines inside brackets are dropped (implicit line joining).
grammar Sched;

tokens { INDENT, DEDENT }

// ------------------------------------------------------------ entry points

file_input: (NEWLINE | item)* EOF;

// Pattern strings of schedules ("for i in _:_", "a = _; b = _", "x : _").
pattern_input: NEWLINE* stmt+ EOF;

// A lone expression (f-string holes, expression patterns).
expr_input: NEWLINE* expr NEWLINE* EOF;

// ------------------------------------------------------------ top level

item
    : 'import' STRING NEWLINE                                  # importItem
    | 'const' NAME '=' expr NEWLINE                            # constItem
    | 'memory' NAME ('extends' base=NAME)? ':' suite           # memoryItem
    | 'instr' NAME '(' params? ')' ':' suite                   # instrItem
    | PRIVATE? 'proc' NAME '(' params? ')' ':' suite           # procItem
    | 'schedule' name=NAME 'from' source=NAME ':' suite        # scheduleItem
    | 'def' NAME '(' params? ')' ':' suite                     # defItem
    ;

params: param (',' param)* ','?;
param: NAME (':' annotation=expr)? ('=' defaultValue=expr)?;

// ------------------------------------------------------------ statements

suite: simple_stmts | NEWLINE INDENT stmt+ DEDENT;

stmt: simple_stmts | compound_stmt;

simple_stmts: simple_stmt (';' simple_stmt)* ';'? NEWLINE;

simple_stmt
    : 'pass'                                                   # passStmt
    | 'break'                                                  # breakStmt
    | 'continue'                                               # continueStmt
    | 'return' testlist?                                       # returnStmt
    | 'assert' expr                                            # assertStmt
    | NAME ':' expr                                            # declStmt
    | testlist op=('+=' | '-=' | '*=') expr                    # augAssignStmt
    | testlist '=' testlist                                    # assignStmt
    | testlist                                                 # exprStmt
    ;

compound_stmt
    : 'for' NAME (',' NAME)* 'in' expr ':' suite               # forStmt
    | 'while' expr ':' suite                                   # whileStmt
    | 'if' expr ':' suite elif_clause* else_clause?            # ifStmt
    | 'try' ':' suite 'except' NAME? ':' handler=suite         # tryStmt
    | 'def' NAME '(' params? ')' ':' suite                     # defStmt
    ;

elif_clause: 'elif' expr ':' suite;
else_clause: 'else' ':' suite;

// ------------------------------------------------------------ expressions

testlist: expr (',' expr)* trailing=','?;

expr: or_test;

or_test: and_test ('or' and_test)*;
and_test: not_test ('and' not_test)*;
not_test: 'not' not_test | comparison;

comparison: arith (comp_op arith)*;
comp_op: '<' | '>' | '==' | '>=' | '<=' | '!=' | 'in' | 'not' 'in';

arith: term (arith_op term)*;
arith_op: '+' | '-';

term: factor (term_op factor)*;
term_op: '*' | '/' | '//' | '%' | '@';

factor: unary=('+' | '-') factor | atom_expr;

atom_expr: atom trailer*;

trailer
    : '(' arglist? ')'                                         # callTrailer
    | '[' subscript (',' subscript)* ','? ']'                  # indexTrailer
    | '.' NAME                                                 # attrTrailer
    ;

subscript: expr | lo=expr? ':' hi=expr?;

arglist: argument (',' argument)* ','?;
argument: NAME '=' expr | expr;

atom
    : '(' (expr (',' expr)* trailing=','?)? ')'                # parenAtom
    | '[' (expr (',' expr)* ','?)? ']'                         # listAtom
    | NAME                                                     # nameAtom
    | INT                                                      # intAtom
    | FLOAT                                                    # floatAtom
    | STRING+                                                  # stringAtom
    | FSTRING                                                  # fstringAtom
    | ('True' | 'true')                                        # trueAtom
    | ('False' | 'false')                                      # falseAtom
    | 'None'                                                   # noneAtom
    ;

// ------------------------------------------------------------ tokens

PRIVATE: 'private';

NAME: [a-zA-Z_] [a-zA-Z_0-9]*;

FLOAT
    : [0-9]+ '.' [0-9]* EXPONENT? 'f'?
    | '.' [0-9]+ EXPONENT? 'f'?
    | [0-9]+ EXPONENT 'f'?
    ;
fragment EXPONENT: [eE] [+-]? [0-9]+;

INT: [0-9]+ | '0' [xX] [0-9a-fA-F]+;

FSTRING: [fF] (SQ_BODY | DQ_BODY);
STRING: SQ_BODY | DQ_BODY;
fragment SQ_BODY: '\'' (~[\\'\r\n] | '\\' .)* '\'';
fragment DQ_BODY: '"' (~[\\"\r\n] | '\\' .)* '"';

// A NEWLINE carries the indentation of the line that follows it.
NEWLINE: ('\r'? '\n' | '\r') [ \t]*;

COMMENT: '#' ~[\r\n]* -> skip;
LINE_JOIN: '\\' '\r'? '\n' -> skip;
WS: [ \t\f]+ -> skip;

// Anything else is a lexical error reported by the frontend with its location.
UNKNOWN_CHAR: .;

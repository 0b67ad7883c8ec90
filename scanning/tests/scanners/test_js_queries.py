"""Query parameters read in JavaScript/TypeScript handler bodies (scanning.scanners._js_queries)."""
from __future__ import annotations

import textwrap

from scanning.scanners._js_queries import query_reads
from scanning.scanners._treesitter import js_language
from scanning.scanners.base import SourceFile


def reads(path: str, text: str) -> dict[str, list[str]]:
    source = SourceFile(path, textwrap.dedent(text).lstrip("\n").encode())
    tree = source.tree_sitter(js_language(source.extension))
    return {fid: [r["name"] for r in found] for fid, found in query_reads(tree.root_node, source.content).items()}


def test_only_reads_of_the_first_parameters_query_count() -> None:
    """Per function; whether that parameter is a request is the linker's call (route functions)."""
    assert reads("a.js", """
        // req.query.fromComment
        router.get('/x', (req, res) => {
          const text = "req.query.fromString";
          other.query.notTheRequest;
          req.queryString;
          const { a, b = 2, ...rest } = req.query;
          res.json([req.query.c, req.query['d'], req.query[key]]);
        });
        function helper(options) { return config.query.notItsParameter; }
        function handler(request, response) { return request.query.e; }
    """) == {"f2:17": ["a", "b", "c", "d"], "f10:0": ["e"]}


def test_typescript_casts_and_single_parameter_arrows() -> None:
    assert reads("a.ts", """
        export const list = async (req: Request, res: Response) => {
          const page = (req.query as Paging).page;
          const size = req.query.size as string;
          const tag = req.query!.tag;
        };
        export const ping = req => req.query.verbose;
    """) == {"f1:20": ["page", "size", "tag"], "f6:20": ["verbose"]}


def test_a_file_without_query_reads_has_none() -> None:
    assert reads("a.js", "router.get('/x', (req, res) => res.json(req.params.id));") == {}


def test_a_variable_holding_the_query_is_followed_within_the_function() -> None:
    assert reads("a.js", """
        router.get('/x', (req, res) => {
          const filters = req.query;
          const page = filters.page;
          const size = filters['size'];
          res.json(list(filters, filters?.sort, notfilters.nope));
        });
        router.get('/y', (req, res) => res.json(filters.outside));
    """) == {"f1:17": ["page", "size", "sort"]}

/**
 * Functions users' SQL may call, by name as the engine's parser reports it (lower-cased). An
 * allowlist, not a denylist: each engine has hundreds of functions and adds more every release,
 * and some read files, URLs, settings, the environment or other tables by name (DuckDB getenv,
 * current_setting; ClickHouse file, joinGet, dictGet, getSetting). A function missing here is
 * refused with its name, and adding it is one line.
 */
const COMMON = `
count count_star sum avg mean min max any any_value first last arg_min arg_max argmin argmax min_by max_by
stddev stddev_pop stddev_samp variance var_pop var_samp covar_pop covar_samp corr median mode quantile
quantile_cont quantile_disc percentile_cont percentile_disc approx_count_distinct approx_quantile
bool_and bool_or every string_agg group_concat listagg array_agg list histogram entropy product bit_and bit_or bit_xor
row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
abs sign round floor ceil ceiling trunc sqrt cbrt exp ln log log2 log10 pow power greatest least mod
sin cos tan asin acos atan atan2 pi degrees radians isnan isinf isfinite
coalesce nullif ifnull if
lower upper length char_length character_length concat concat_ws substr substring left right trim ltrim rtrim
replace reverse repeat position strpos instr lpad rpad split_part starts_with ends_with contains
regexp_matches regexp_extract regexp_replace regexp_full_match format printf md5 sha256 hash
date_trunc datetrunc date_part datepart date_diff datediff date_add date_sub extract year month day hour minute second
quarter week weekday dayofweek dayofmonth dayofyear isodow epoch epoch_ms make_date make_timestamp last_day
to_timestamp strftime strptime now current_date current_timestamp today
json_extract json_extract_string json_value json_exists json_type json_array_length
cast try_cast tuple array unnest in notin and or not
`;

/** DuckDB's parser names (operators and desugared forms included). */
const DUCKDB = `
count_if countif sum_no_overflow fsum kahan_sum favg arbitrary
list_value list_extract list_element array_extract array_slice list_slice array_length len list_contains list_has
array_contains list_position list_distinct list_sort list_reverse list_filter list_transform list_reduce list_aggregate
list_sum list_count list_min list_max list_concat array_concat list_unique flatten generate_subscripts
struct_pack struct_extract struct_insert row map map_extract element_at cardinality
ilike_escape like_escape not_like_escape not_ilike_escape regexp_split_to_array string_split str_split string_split_regex
prefix suffix ascii chr unicode ord base64 to_base64 from_base64 url_encode url_decode
try_strptime time_bucket date_add dayname monthname yearweek isoyear century millennium decade era epoch_us epoch_ns
to_days to_hours to_minutes to_seconds to_milliseconds to_months to_years to_weeks to_microseconds age
strftime current_localtimestamp get_current_timestamp timezone
json json_keys json_structure json_valid json_array json_object json_merge_patch json_contains
typeof bit_count xor
`;

/** ClickHouse's parser names: its operators are functions (plus, equals, like, …). */
const CLICKHOUSE = `
plus minus multiply divide intdiv intdivorzero modulo negate equals notequals less greater lessorequals greaterorequals
like notlike ilike notilike match isnull isnotnull isnotdistinctfrom multiif
countif sumif avgif minif maxif anyif uniq uniqexact uniqif uniqexactif uniqcombined uniqhll12 grouparray groupuniqarray
grouparraysorted grouparrayif topk quantiles quantileexact quantiletdigest quantilesexact argminif argmaxif
anylast anyheavy sumifornull countdistinct sumarray grouparraymovingsum windowfunnel retention sequencematch sequencecount
laginframe leadinframe
tostring tofloat64 tofloat32 toint64 toint32 touint64 touint32 toint8 touint8 todecimal64 tostringornull
tofloat64ornull toint64ornull tofloat64orzero toint64orzero todate todatetime todatetime64 todateornull
parsedatetimebesteffort parsedatetimebesteffortornull parsedatetime64besteffort parsedatetime64besteffortornull
tostartofday tostartofweek tostartofmonth tostartofquarter tostartofyear tostartofhour tostartofminute
tostartofinterval tomonday toyyyymm toyyyymmdd toyear tomonth todayofmonth todayofweek todayofyear tohour tominute
tosecond toquarter toisoweek toisoyear toweek tounixtimestamp tounixtimestamp64milli fromunixtimestamp
fromunixtimestamp64milli datename formatdatetime adddays addhours addminutes addseconds addweeks addmonths
addyears subtractdays subtracthours subtractminutes subtractseconds subtractweeks subtractmonths subtractyears
tointervalday tointervalhour tointervalminute tointervalsecond tointervalweek tointervalmonth tointervalyear
yesterday timediff age
empty notempty lengthutf8 lowerutf8 upperutf8 substringutf8 positionutf8 positioncaseinsensitive trimboth trimleft trimright
splitbychar splitbystring arraystringconcat extractall replaceall replaceone replaceregexpall replaceregexpone
startswith endswith base64encode base64decode leftpad rightpad
arrayelement arrayjoin arraymap arrayfilter arraycount arraysum arraymin arraymax arrayslice arraydistinct arraysort
arrayreversesort arrayreverse arrayconcat arrayenumerate arrayexists arrayall arrayfirst arraylast arrayuniq
arraycompact arraystringconcat arrayzip arrayflatten has hasany hasall indexof
tupleelement lambda
jsonextract jsonextractstring jsonextractint jsonextractuint jsonextractfloat jsonextractbool jsonextractraw
jsonextractkeys jsonhas jsonlength jsontype visitparamextractstring visitparamextractfloat visitparamextractint
visitparamextractraw simplejsonextractstring simplejsonextractfloat simplejsonextractint simplejsonextractraw
isvalidjson
tuple _cast accuratecast accuratecastornull
cityhash64 siphash64 xxhash64 murmurhash3_64 sipHash64
`;

export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set(
  `${COMMON} ${DUCKDB} ${CLICKHOUSE}`
    .split(/\s+/)
    .filter(Boolean)
    .map((f) => f.toLowerCase()),
);

/** DuckDB operators are functions named by their symbol (+, ||, ~~, ->>): pure computation on values. */
export function isAllowedFunction(name: string): boolean {
  const n = name.toLowerCase();
  return ALLOWED_FUNCTIONS.has(n) || /^[^a-z0-9_]+$/.test(n);
}

/**
 * A phone number in E.164, exactly as libphonenumber-js (its default "min" metadata) reads it:
 * `parsePhoneNumberFromString(raw, country)` and then `isValid()`.
 *
 * Why not just call the library: it rebuilds a RegExp from its metadata strings at every test, walks every country
 * sharing a calling code (25 for +1) through every number type, and throws for junk; about 40 µs a number, the
 * largest CPU cost of the initial sync. So the numbers written the plain way (ASCII digits, an optional leading "+",
 * spaces, dots, dashes, slashes, brackets: nearly all of them) take a compiled form of the library's own parse: the
 * same steps in the same order (IDD prefix, calling code written without "+", national prefix, the country among
 * those sharing a calling code, lengths, then validity), every rule read from the library's metadata and compiled
 * once per country. Anything else (letters, extensions, other scripts' digits, national prefixes the metadata
 * rewrites, non-geographic calling codes) goes to the library itself. The library stays the authority: the tests
 * compare both on hundreds of thousands of generated numbers, and would catch a library upgrade that changed its parse.
 * Ported from libphonenumber-js 1.13 `parse.js` and `helpers/` (extractCountryCallingCode, stripIddPrefix,
 * extractCountryCallingCodeFromInternationalNumberWithoutPlusSign, extractNationalNumber, getCountryByCallingCode,
 * getNumberType, checkNumberLength, isValid).
 */
import { Metadata, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** E.164 of `raw` read with `country` (ISO code) for national numbers; undefined when not a valid number. */
export function e164(raw: string, country: string | undefined): string | undefined {
  const home = country && isSupportedCountry(country as CountryCode) ? country : undefined;
  const fast = compiledE164(raw, home);
  if (fast !== LIBRARY) return fast;
  const parsed = parsePhoneNumberFromString(raw, home as CountryCode | undefined);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** The compiled path's answer when the input is outside what it mirrors: ask the library. */
export const LIBRARY = Symbol('library');
type Answer<T> = T | typeof LIBRARY;

/** Plain writing: what the library's own pre-processing reduces to "the digits, and whether a + leads". */
const PLAIN = /^\+?[0-9 ().\/-]*$/;
const NOT_DIGIT = /[^0-9]/g;
/** Where the library starts reading a number (its PLUS_CHARS and VALID_DIGITS): text without any is not a number. */
const NUMBER_START = /[+\uFF0B0-9\uFF10-\uFF19\u0660-\u0669\u06F0-\u06F9]/;
/** The library refuses longer input outright. */
const MAX_INPUT = 250;
/** Bounds of a national (significant) number (the library's MIN/MAX_LENGTH_FOR_NSN). */
const MIN_NATIONAL = 2;
const MAX_NATIONAL = 17;
const MAX_CALLING_CODE = 3;

/** The number types of the library's getNumberType, fixed line first (the order does not change the answer). */
const NUMBER_TYPES = [
  'FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL',
] as const;

/** The numbering-plan accessors of the library's Metadata class (runtime API; its typings declare only a few). */
interface PlanMetadata {
  callingCode(): string;
  IDDPrefix(): string | undefined;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  nationalPrefixForParsing(): string | 0 | null | undefined;
  nationalPrefixTransformRule(): string | 0 | null | undefined;
  leadingDigits(): string | 0 | null | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string | 0 | null | undefined; possibleLengths(): number[] | undefined } | undefined;
}
interface MetadataAccess {
  selectNumberingPlan(countryOrCallingCode: string): void;
  numberingPlan: PlanMetadata;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  hasCallingCode(callingCode: string): boolean | undefined;
}

interface TypeRule {
  pattern: RegExp;
  /** Undefined: no length restriction of its own. */
  lengths: number[] | undefined;
}

/** One country's numbering plan, its patterns compiled once. */
interface Plan {
  country: string;
  callingCode: string;
  /** Unanchored, used as the library does (a match must start at 0). */
  idd: RegExp | undefined;
  nationalPrefix: RegExp | undefined;
  rewritesNationalPrefix: boolean;
  national: RegExp;
  lengths: number[];
  /** Unanchored, used as the library does (a match must start at 0). */
  leadingDigits: RegExp | undefined;
  /** Undefined when the metadata has no number types for the country. */
  types: TypeRule[] | undefined;
}

const metadata = new Metadata() as unknown as MetadataAccess;
const plans = new Map<string, Plan>();
const callingCodes = new Map<string, string[] | null | undefined>();

const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);

function planOf(country: string): Plan {
  let plan = plans.get(country);
  if (!plan) {
    plan = compilePlan(country);
    plans.set(country, plan);
  }
  return plan;
}

function compilePlan(country: string): Plan {
  metadata.selectNumberingPlan(country);
  const p = metadata.numberingPlan;
  const idd = p.IDDPrefix();
  const prefix = p.nationalPrefixForParsing();
  const leading = p.leadingDigits();
  const lengths = p.possibleLengths();
  if (!lengths) throw new Error(`libphonenumber-js metadata without possible lengths for ${country}`);
  return {
    country,
    callingCode: p.callingCode(),
    idd: idd ? new RegExp(idd) : undefined,
    nationalPrefix: prefix ? new RegExp(`^(?:${prefix})`) : undefined,
    rewritesNationalPrefix: !!p.nationalPrefixTransformRule(),
    national: whole(p.nationalNumberPattern()),
    lengths,
    leadingDigits: leading ? new RegExp(leading) : undefined,
    types: p.hasTypes() ? typeRules(p) : undefined,
  };
}

function typeRules(p: PlanMetadata): TypeRule[] {
  const rules: TypeRule[] = [];
  for (const name of NUMBER_TYPES) {
    const type = p.type(name);
    const pattern = type?.pattern();
    if (type && pattern) rules.push({ pattern: whole(pattern), lengths: type.possibleLengths() });
  }
  return rules;
}

/** The countries of a calling code, main one first; null for a non-geographic one (+800…); undefined for none. */
function countriesOf(callingCode: string): string[] | null | undefined {
  if (!callingCodes.has(callingCode)) {
    const countries = metadata.getCountryCodesForCallingCode(callingCode);
    callingCodes.set(callingCode, countries ?? (metadata.hasCallingCode(callingCode) ? null : undefined));
  }
  return callingCodes.get(callingCode);
}

/** The plan of a geographic calling code's main country (the library's plan for a bare calling code). */
function mainPlan(callingCode: string): Plan {
  const countries = countriesOf(callingCode);
  if (!countries) throw new Error(`no country for calling code ${callingCode}`);
  return planOf(countries[0]);
}

const startsWithMatch = (pattern: RegExp, text: string) => text.search(pattern) === 0;

/** getNumberType(…) !== undefined: the national pattern, then any number type whose lengths and pattern fit. */
function hasNumberType(plan: Plan, national: string): boolean {
  if (!plan.types || !plan.national.test(national)) return false;
  return plan.types.some((t) => (!t.lengths || t.lengths.includes(national.length)) && t.pattern.test(national));
}

/** isValid() for a number read as `plan`'s. */
function isValidFor(plan: Plan, national: string): boolean {
  return plan.types ? hasNumberType(plan, national) : plan.national.test(national);
}

/** getCountryByCallingCode: the single country, or the first sharing country whose leading digits or types fit. */
function countryByCallingCode(callingCode: string, national: string): string | undefined {
  const countries = countriesOf(callingCode);
  if (!countries) return undefined;
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    const plan = planOf(country);
    if (plan.leadingDigits) {
      if (national && startsWithMatch(plan.leadingDigits, national)) return country;
    } else if (hasNumberType(plan, national)) {
      return country;
    }
  }
  return undefined;
}

type LengthCheck = 'IS_POSSIBLE' | 'TOO_SHORT' | 'TOO_LONG' | 'INVALID_LENGTH';

function checkLength(length: number, lengths: number[]): LengthCheck {
  if (lengths[0] === length) return 'IS_POSSIBLE';
  if (lengths[0] > length) return 'TOO_SHORT';
  if (lengths[lengths.length - 1] < length) return 'TOO_LONG';
  return lengths.indexOf(length, 1) >= 0 ? 'IS_POSSIBLE' : 'INVALID_LENGTH';
}

/** extractNationalNumber: strips the national prefix, unless the number reads better (or only) with it. */
function nationalNumber(number: string, plan: Plan): Answer<string> {
  const match = number && plan.nationalPrefix ? plan.nationalPrefix.exec(number) : null;
  if (!match) return number;
  const groups = match.length - 1;
  const captured = groups > 0 && match[groups];
  if (captured && plan.rewritesNationalPrefix) return LIBRARY;
  const national = number.slice(match[0].length);
  if (national === number) return number;
  if (plan.national.test(number) && !plan.national.test(national)) return number;
  const exact = countryByCallingCode(plan.callingCode, national);
  const check = checkLength(national.length, (exact ? planOf(exact) : plan).lengths);
  return check === 'TOO_SHORT' || check === 'INVALID_LENGTH' ? number : national;
}

/** stripIddPrefix: the digits after the home country's international call prefix, if they start with one. */
function afterIddPrefix(digits: string, home: Plan): string | undefined {
  const match = home.idd?.exec(digits);
  if (!match || match.index !== 0 || match[0].length === 0) return undefined;
  const rest = digits.slice(match[0].length);
  return rest && rest[0] !== '0' ? rest : undefined;
}

/** A national-looking number that is really the home calling code and a number, written without "+". */
function withoutHomeCallingCode(digits: string, home: Plan): Answer<string | undefined> {
  if (!digits.startsWith(home.callingCode)) return undefined;
  const shorter = digits.slice(home.callingCode.length);
  const shorterNational = nationalNumber(shorter, home);
  const asIs = nationalNumber(digits, home);
  if (shorterNational === LIBRARY || asIs === LIBRARY) return LIBRARY;
  const better = !home.national.test(asIs) && home.national.test(shorterNational);
  return better || checkLength(asIs.length, home.lengths) === 'TOO_LONG' ? shorter : undefined;
}

interface Located {
  callingCode: string;
  /** Digits after the calling code. */
  number: string;
  /** The plan the national prefix is read with. */
  plan: Plan;
  /** The country when the number was read as a national one of it. */
  country: string | undefined;
}

/** extractCountryCallingCode for "+" followed by `digits`: the first 1–3 digits that are a calling code. */
function international(digits: string): Answer<Located | undefined> {
  if (digits[0] === '0') return undefined;
  for (let i = 1; i <= MAX_CALLING_CODE && i <= digits.length; i++) {
    const callingCode = digits.slice(0, i);
    const countries = countriesOf(callingCode);
    if (countries === null) return LIBRARY;
    if (countries) return { callingCode, number: digits.slice(i), plan: mainPlan(callingCode), country: undefined };
  }
  return undefined;
}

function locate(digits: string, plus: boolean, home: Plan | undefined): Answer<Located | undefined> {
  if (plus) return international(digits);
  if (!home) return undefined;
  const afterIdd = afterIddPrefix(digits, home);
  if (afterIdd !== undefined) return international(afterIdd);
  const shorter = withoutHomeCallingCode(digits, home);
  if (shorter === LIBRARY) return LIBRARY;
  if (shorter !== undefined) return { callingCode: home.callingCode, number: shorter, plan: mainPlan(home.callingCode), country: undefined };
  return { callingCode: home.callingCode, number: digits, plan: home, country: home.country };
}

/**
 * The compiled path alone (exported for the tests): the E.164, undefined when not a valid number, or LIBRARY. `home`
 * must be a country the library knows (e164 drops the others, as the library does).
 */
export function compiledE164(raw: string, home: string | undefined): Answer<string | undefined> {
  if (!NUMBER_START.test(raw)) return undefined;
  if (raw.length > MAX_INPUT || !PLAIN.test(raw)) return LIBRARY;
  const digits = raw.replace(NOT_DIGIT, '');
  // The library needs three digits, or exactly two with nothing around them (a path of its own, left to it).
  if (digits.length < 2) return undefined;
  if (digits.length === 2) return LIBRARY;
  const located = locate(digits, raw.charCodeAt(0) === 43 /* + */, home ? planOf(home) : undefined);
  if (located === LIBRARY || located === undefined) return located;
  const { callingCode, number, plan } = located;
  if (!number) return undefined;
  const national = nationalNumber(number, plan);
  if (national === LIBRARY) return LIBRARY;
  const country = countryByCallingCode(callingCode, national) ?? located.country;
  if (national.length < MIN_NATIONAL || national.length > MAX_NATIONAL) return undefined;
  return isValidFor(country ? planOf(country) : mainPlan(callingCode), national) ? `+${callingCode}${national}` : undefined;
}

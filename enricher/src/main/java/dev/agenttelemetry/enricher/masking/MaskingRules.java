package dev.agenttelemetry.enricher.masking;

import java.math.BigInteger;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in masking rules, most specific first: a value that a provider rule masks keeps that
 * provider's type hint. Each rule masks one capture group (or the whole match) and may check the
 * candidate (Luhn for card numbers, mod-97 for IBANs, entropy for the fallback).
 */
final class MaskingRules {
    private MaskingRules() {
    }

    /** Characters that make up tokens: keys, ids, base64 and URL-safe base64. */
    static final String TOKEN = "[A-Za-z0-9_\\-+/=.~]";

    /** Words that make a nearby value a credential. */
    static final String KEY_WORDS = "(?:api[_-]?key|apikey|secret|token(?!iz)|passw(?:or)?d|passwd|(?<![a-z])pass(?![a-z])|pwd|passphrase|credential|creds?(?![a-z])|auth(?!or|ent)|bearer"
            + "|access[_-]?key|private[_-]?key|client[_-]?secret|cookie|signature|license[_-]?key|dsn)(?!or)";

    /** A lookbehind: not right after {@code public_key = "}, {@code publicToken: }, {@code credentialsId: '} or {@code <UserSecretsId>}. */
    private static final String NOT_AFTER_PUBLIC_OR_ID = "(?<!(?i:pub(?:lic)?[_\\-.]?(?:key|token)|id)(?:[\"'`]?[ \t]{0,3}[:=][ \t]{0,3}[\"'`]?|>))";

    /** Each way a word of {@link #KEY_WORDS} can begin: a pattern that starts with one can only match where one of these does. */
    static final String[] KEY_WORD_STARTS = {"apikey", "api_key", "api-key", "secret", "token", "pass", "pwd", "cred", "auth", "bearer",
            "accesskey", "access_key", "access-key", "privatekey", "private_key", "private-key", "clientsecret", "client_secret",
            "client-secret", "cookie", "signature", "licensekey", "license_key", "license-key", "dsn"};
    static final String[] KEY_HINTS = {"key", "token", "secret", "pass", "pwd", "cred", "auth", "bearer", "cookie", "signature", "license", "dsn"};
    private static final String[] VENDOR_HINTS = {"pscale_", "sntrys_", "shpat_", "shpca_", "shppa_", "shpss_", "xkeysib-", "lin_api_",
            "lin_oauth_", "pul-", "rubygems_", "_v1_", "flwseck", "flwpubk", "ezak", "eztk", "atatt3", "figd_", "glc_", "glsa_", "hvs.", "hvb.",
            "ops_", "pplx-", "dp.", "phc_", "dapi", "dt0", "fo1_", "pmak-", "pnu_", "sl.", "clojars_", "fio-u-", "nfp_", "mlsn.",
            "frb_", "lob_", "eyjrijoi", "scalingo_", "tfp_", "dckr_oat_", "ntn_", "hrku-", "sha256~", "key-"};

    /**
     * A provider token: its format is known, so only fillers ({@code ghp_xxxx...}, {@code ...EXAMPLE}) and names made
     * of words that happen to begin with its prefix ({@code sk-ssh-ed25519-cert-v01}, an SSH key type) are let through.
     */
    private static MaskingRule token(String kind, String regex) {
        return MaskingRule.checked(kind, regex, value -> notFiller(value) && !ValueJudge.isCompoundName(value), 0);
    }

    /**
     * A value to its syntactic end: to the closing quote when quoted (groups 1-3 of this part: double, single,
     * back quotes; to the end of the line when unclosed), else to whitespace or a delimiter (group 4), so that
     * {@code &}, {@code #} and {@code $} inside a value never leave its tail in clear.
     */
    private static final String VALUE = "(?:\"([^\"\\r\\n]{1,512})\"?|'([^'\\r\\n]{1,512})'?|`([^`\\r\\n]{1,512})`?|([^\\s\"'`,;<>(){}\\[\\]]{1,512}))";
    /**
     * {@link #VALUE}, or a URL query's parameter (group 5 of this part), which ends at {@code &} or {@code #}: a query
     * encodes them inside a value (RFC 3986), so {@code ?token=abc&page=2} holds the value {@code abc}.
     */
    private static final String VALUE_OR_QUERY_PARAMETER = VALUE.substring(0, VALUE.lastIndexOf('|') + 1) + "(?<![?&][\\w.\\-]{1,64}=)"
            + VALUE.substring(VALUE.lastIndexOf('|') + 1, VALUE.length() - 1) + "|([^\\s\"'`,;<>(){}\\[\\]&#]{1,512}))";
    /** Where the key-value rule may start: a key word, or a provider's name. */
    private static final String[] KEY_VALUE_STARTS = java.util.stream.Stream.concat(java.util.Arrays.stream(KEY_WORD_STARTS),
            java.util.Arrays.stream(Provider.keyWords())).distinct().toArray(String[]::new);
    private static final java.util.regex.Pattern GENERIC_KEY_WORD = java.util.regex.Pattern.compile("(?i)" + KEY_WORDS);

    /**
     * The value of a key: the key must name a secret, not something about one ({@code token_url}); a value that
     * claims a provider's format must fit it; a key that names only a provider ({@code cloudflare: ...}) takes
     * that provider's formats where documented; otherwise {@link ValueJudge#isSecretValue}.
     */
    static boolean isKeyedSecret(String value, Matcher match, String text) {
        String key = match.group(1);
        int keyStart = match.start(1);
        while (keyStart > 0 && (isWordChar(text.charAt(keyStart - 1)) || text.charAt(keyStart - 1) == '-' || text.charAt(keyStart - 1) == '.')) {
            keyStart--; // the whole name, where the key word is its last part: NextContinuationToken
        }
        if (!ValueJudge.keyNamesSecret(text.substring(keyStart, match.end(1))) || Provider.claimsButMisfits(value)) {
            return false;
        }
        if (isImageQuery(text, keyStart)) {
            return false; // a badge's or an image's URL: the token in it is one made to be embedded in a page
        }
        if (text.startsWith("://", keyStart - 3) && PORT.matcher(value).matches()) {
            return false; // a URL's host and port: https://auth.example.com:5000/v3
        }
        if (ValueJudge.lastWord(key).equals("dsn") && CONNECTION_STRING_WITHOUT_USER.matcher(value).matches()) {
            return false; // a data source name holds a credential as user info: tcp(db:3306)/app?tls=true has none
        }
        // groups 5 and 6 are the key-value rule's bare value and query parameter; an XML element's value is quoted by its tags
        boolean quoted = match.groupCount() < 6 || match.start(5) < 0 && match.start(6) < 0;
        int ampersand = value.indexOf('&');
        if (!quoted && ampersand > 0 && QUERY_FLAG.matcher(value.substring(0, ampersand)).matches()) {
            return false; // a query string's flag: allowOldPasswords=true&collation=..., each further parameter judged at its own key
        }
        if (!quoted && (isCallArgument(match, text) && CALL_ARGUMENT.matcher(value).matches() || isChainedAssignment(value))) {
            return false; // a variable or a keyword argument passed to a call: stringToBuffer(b64Signature), Token(token=value); a.password=this.password=n
        }
        Provider provider = Provider.namedIn(key);
        if (provider != null && !GENERIC_KEY_WORD.matcher(key).find()) {
            return provider.fits(value);
        }
        return ValueJudge.isSecretValue(ValueJudge.lastWord(key).equals("cookie") ? cookieValue(value) : value, quoted);
    }

    /** A cookie's value without its name, which is none of the secret: {@code sid=<value>}. */
    private static String cookieValue(String cookie) {
        Matcher named = NAMED_COOKIE.matcher(cookie);
        return named.matches() ? named.group(1) : cookie;
    }

    /** A flag that asks for the secret, not one that takes it: {@code --ask-vault-pass}, {@code --prompt-password}, {@code --no-password}. */
    private static final Pattern ASKING_FLAG = Pattern.compile("(?i)(?:^|-)(?:ask|prompt|no)-");

    /** The value after a flag that names a secret ({@code --db-password X}), unless the flag asks for it or the value is a file's name. */
    static boolean isFlagSecret(String value, Matcher match, String text) {
        return !ASKING_FLAG.matcher(match.group(1)).find() && ValueJudge.notPlaceholder(value) && !ValueJudge.isFileName(value);
    }

    /** A name, or a keyword argument whose value is judged where its own key is: {@code b64Signature}, {@code token=token_value}. */
    private static final Pattern CALL_ARGUMENT = Pattern.compile("[A-Za-z_$][\\w$]*(?:=.*)?");
    private static final Pattern NAMED_COOKIE = Pattern.compile("[\\w.\\-]{1,64}=(.*)");
    private static final Pattern CONNECTION_STRING_WITHOUT_USER = Pattern.compile("[^@]*[/?=(:][^@]*");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}(?:[/?#].*)?");
    private static final Pattern QUERY_FLAG = Pattern.compile("(?i)true|false|yes|no|on|off|\\d{1,10}");
    /** A member name, then an assignment: {@code this.password=}. */
    private static final Pattern ASSIGNED_MEMBER = Pattern.compile("([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+)=(?!=).*");

    /** A bare value that assigns on to a member made of words: {@code this.password=n}, {@code _.AuthenticationMD5Password=_.X=}. */
    private static boolean isChainedAssignment(String value) {
        Matcher member = ASSIGNED_MEMBER.matcher(value);
        return member.matches() && ValueJudge.isCompoundName(member.group(1));
    }

    private static final Pattern IMAGE_PATH = Pattern.compile("(?i)(?:\\.(?:svg|png|gif|jpe?g|webp)|/badge)$");

    /** Whether the key is a parameter of an image's URL: {@code .../graph/badge.svg?token=...}. */
    private static boolean isImageQuery(String text, int keyStart) {
        if (keyStart == 0 || text.charAt(keyStart - 1) != '?') {
            return false;
        }
        return IMAGE_PATH.matcher(text.substring(wordStart(text, keyStart - 1), keyStart - 1)).find();
    }

    private static final Pattern PEM_BOUNDARY = Pattern.compile("-----(BEGIN|END) ([A-Z0-9 ]{1,40})-----");

    /** Inside a certificate's or a public key's PEM block, which is public: the base64 lines of {@code -----BEGIN CERTIFICATE-----}. */
    private static boolean isInPublicPemBlock(String text, int position) {
        int from = Math.max(0, position - 8192);
        int begin = text.lastIndexOf("-----BEGIN ", position);
        if (begin < from) {
            return false;
        }
        Matcher boundary = PEM_BOUNDARY.matcher(text).region(begin, position);
        String kind = null;
        while (boundary.find()) {
            kind = boundary.group(1).equals("BEGIN") ? boundary.group(2) : null;
        }
        return kind != null && (kind.equals("CERTIFICATE") || kind.endsWith("PUBLIC KEY") || kind.equals("CERTIFICATE REQUEST"));
    }

    /** Whether the value is inside a call's parentheses opened after the key's separator: {@code signature = stringToBuffer(b64Signature)}. */
    private static boolean isCallArgument(Matcher match, String text) {
        int valueStart = match.start(5);
        return valueStart > 0 && text.charAt(valueStart - 1) == '(';
    }

    /** Right after a key's assignment: {@code hubspotKey = "}, {@code "key": }. */
    private static final Pattern ASSIGNED = Pattern.compile("(?i)key\\w{0,20}[\"'`]?[ \t]{0,3}(?:[:=]|:=|=>)[ \t]{0,3}[\"'`]?$");
    /** The key a value is assigned to, right before it: {@code NextPageToken: "}, {@code token_url = }. */
    private static final Pattern KEY_BEFORE_VALUE = Pattern.compile("([A-Za-z_$][\\w$.\\-]*)[\"'`]?[ \t]*(?::=|=>|[:=])[ \t]*[\"'`]?$");
    /** The word a token stands in: its surroundings up to whitespace or a quote. */
    private static final String WORD_DELIMITERS = " \t\r\n\"'`<>()[]{},;";

    /** Where the word holding {@code position} begins: after the last delimiter before it. */
    private static int wordStart(String text, int position) {
        int start = position;
        while (start > 0 && WORD_DELIMITERS.indexOf(text.charAt(start - 1)) < 0) {
            start--;
        }
        return start;
    }

    /**
     * A random-looking token near a key word (the entropy rule): a UUID or a hex string counts only when assigned
     * to a key ({@code hubspotKey = "<uuid>"}); in prose and tool output they are ids and hashes. A token that is
     * part of a word claiming a provider's format it does not fit ({@code 6835:Ab...} for Telegram) is no secret.
     */
    static boolean isLooseSecret(String value, Matcher match, String text) {
        int start = match.start(1);
        int end = match.end(1);
        String unpadded = value.replaceAll("=+$", ""); // minified code ends a name with the = of an assignment: _.AuthenticationMD5Password=
        if (!isHighEntropy(value) || ValueJudge.isKnownNonSecret(unpadded) || ValueJudge.isCodeReference(unpadded)) {
            return false;
        }
        int wordStart = wordStart(text, start);
        int wordEnd = end;
        while (wordEnd < text.length() && WORD_DELIMITERS.indexOf(text.charAt(wordEnd)) < 0) {
            wordEnd++;
        }
        if (Provider.claimsButMisfits(text.substring(wordStart, wordEnd)) || isInPublicPemBlock(text, start) || text.startsWith("::", start - 2)) {
            return false;
        }
        String before = text.substring(Math.max(0, start - 64), start);
        Matcher key = KEY_BEFORE_VALUE.matcher(before);
        if (key.find() && !ValueJudge.keyNamesSecret(key.group(1))) {
            return false; // the value of a key about something else: NextPageToken, token_url
        }
        boolean assigned = ASSIGNED.matcher(before.substring(Math.max(0, before.length() - 32))).find();
        return assigned || ValueJudge.isLooseToken(value);
    }

    /** A header's credential: not a scheme word alone ({@code `Bearer ${token}`}), a template or one of the non-secret shapes. */
    static boolean isHeaderCredential(String value) {
        String v = value.endsWith(".") ? value.substring(0, value.length() - 1) : value; // a sentence's full stop: "bearer authentication."
        return ValueJudge.notPlaceholder(v) && !v.matches("(?i)bearer|basic|token|digest|bot|apikey") && !ValueJudge.isKnownNonSecret(v)
                && !ValueJudge.isCodeReference(v); // Authorization: asBearerToken(options.apiKey)
    }

    static List<MaskingRule> defaults() {
        return List.of(
                MaskingRule.checked("private_key", "-----BEGIN[A-Z ]*PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?-----END[A-Z ]*PRIVATE KEY(?: BLOCK)?-----",
                        MaskingRules::hasKeyMaterial, 0).at(0, "-----begin"),
                MaskingRule.whole("age_secret_key", "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}").at(0, "age-secret-key-"),
                token("anthropic_api_key", "\\bsk-ant-(?:api|admin|sid)\\d{2}-[A-Za-z0-9_\\-]{20,}").at(0, "sk-ant-"),
                token("openai_api_key", "\\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\\-]{20,}").at(0, "sk-"),
                MaskingRule.checked("aws_access_key", "\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\\b", MaskingRules::notFiller).at(0, "a3t", "akia", "asia", "abia", "acca"),
                token("aws_bedrock_key", "\\bABSK[A-Za-z0-9+/]{20,}={0,2}").at(0, "absk"),
                MaskingRule.checked("aws_secret_key", "(?i)aws[_\\-.]?(?:secret[_\\-.]?(?:access[_\\-.]?)?key|session[_\\-.]?token)[\"'`]?\\s*(?:[:=]|:=|=>|,)\\s*[\"'`]?([A-Za-z0-9/+=]{30,})", MaskingRules::notFiller).at(0, "aws"),
                token("github_token", "\\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})").at(0, "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
                token("gitlab_token", "\\b(?:glpat|glptt|glrt|glcbt|gldt|glft|glimt|gloas|glsoat|glagent|glffct|glrtr)-[A-Za-z0-9_\\-.]{16,}"
                        + "|\\bGR1348941[A-Za-z0-9_\\-]{20,}|_gitlab_session=[0-9a-z]{32}").at(0, "gl", "gr1348941", "_gitlab_session="),
                token("slack_token", "\\bxox[abposer]-\\d+-[A-Za-z0-9\\-]{8,}|\\bxoxe\\.xox[bp]-\\d-[A-Za-z0-9]{100,}|\\bxoxe-\\d-[A-Za-z0-9]{100,}"
                        + "|\\bxapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+|hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{30,}").at(0, "xox", "xapp-", "hooks.slack.com"),
                token("google_api_key", "\\bAIza[0-9A-Za-z_\\-]{35}(?![0-9A-Za-z_\\-])|\\bya29\\.[0-9A-Za-z_\\-]{20,}").at(0, "aiza", "ya29."),
                token("stripe_key", "\\b(?:sk|rk|pk)_(?:test|live|prod)_[0-9A-Za-z]{10,}").at(1, "k_test_", "k_live_", "k_prod_"),
                token("twilio_key", "\\bSK[0-9a-fA-F]{32}\\b").at(0, "sk"),
                token("sendgrid_key", "\\bSG\\.[A-Za-z0-9_\\-]{20,}\\.[A-Za-z0-9_\\-]{20,}").at(0, "sg."),
                token("npm_token", "\\bnpm_[A-Za-z0-9]{36}\\b").at(0, "npm_"),
                token("pypi_token", "\\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,}").at(0, "pypi-"),
                token("docker_hub_token", "\\bdckr_pat_[A-Za-z0-9_\\-]{20,}").at(0, "dckr_pat_"),
                token("huggingface_token", "\\b(?:hf_|api_org_)[A-Za-z]{30,}").at(0, "hf_", "api_org_"),
                token("square_token", "\\bsq0(?:atp|csp)-[0-9A-Za-z\\\\\\-_]{12,}").at(0, "sq0atp-", "sq0csp-"),
                token("flyio_token", "\\b(?:fm1[ar]|fm2)_[A-Za-z0-9+/]{100,}={0,3}").at(0, "fm1a_", "fm1r_", "fm2_"),
                token("facebook_token", "\\b\\d{15,16}(?:\\||%7C)[0-9A-Za-z\\-_]{27,40}\\b") // app id|app secret
                        .at(Candidates.inRunBeforeHints(MaskingRules::isDigit, 16, "|", "%7c")),
                token("facebook_token", "\\bEAA[MC][A-Za-z0-9]{100,}").at(0, "eaam", "eaac"),
                token("vendor_token", "\\b(?:A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}"
                        + "|p8e-[A-Za-z0-9]{32}|s-s4t2(?:ud|af)-[a-f0-9]{64})\\b").at(0, "a3-", "p8e-", "s-s4t2"),
                MaskingRule.group("vendor_token", "(?i)webhook\\.office\\.com/webhookb2/([^\\s\"'<>]{20,})").at(0, "webhook.office.com"),
                MaskingRule.group("vendor_token", "(?i)BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM[\"'`]?[ \t]*(?::{0,3}=|:)[ \t]*[\"'`]?([a-f0-9]{8}:[a-f0-9]{8})\\b")
                        .at(0, "bundle_"),
                MaskingRule.group("vendor_token", "(?i)sonar[_.\\-]?(?:login|token)[\"'`]?[ \t]*(?::{0,3}=|:|=>)[ \t]*[\"'`]?([A-Za-z0-9_]{40})\\b").at(0, "sonar"),
                MaskingRule.group("vendor_token", "(?i)\\bsumo(?:logic)?[_.\\-]\\w*[\"'`]?[ \t]*(?::{0,3}=|:|=>)[ \t]*[\"'`]?(su[A-Za-z0-9]{12})\\b").at(0, "sumo"),
                token("vendor_token", "(?<![+/])\\b(?:pscale_(?:tkn|oauth|pw)_|sntrys_|shp(?:at|ca|pa|ss)_|xkeysib-|lin_(?:api|oauth)_|pul-|rubygems_"
                        + "|do[por]_v1_|FLWSECK(?:_TEST)?-|FLWPUBK(?:_TEST)?-|EZ[AT]K|ATATT3|figd_|glc_|glsa_|hv[sb]\\.|ops_|pplx-"
                        + "|dp\\.(?:pt|st|ct|scim|audit)\\.|phc_|dapi[a-f0-9]|dt0[a-z]\\d{2}\\.|fo1_|PMAK-|pnu_|sl\\.|CLOJARS_|fio-u-|nfp_"
                        + "|mlsn\\.|frb_|lob_(?:live|test)_|eyJrIjoi|scalingo_|tfp_|dckr_oat_|ntn_|HRKU-|sha256~)"
                        + "[A-Za-z0-9_\\-+/=.]{12,}|\\bkey-[0-9a-f]{32}\\b").at(3, VENDOR_HINTS), // "do[por]_v1_" starts 3 before its hint
                // Formats with an exact length or alphabet: a longer, shorter or non-hex look-alike is not one of them.
                token("vendor_token", "\\b(?:sntryu_[a-f0-9]{64}|cmVmd[A-Za-z0-9]{59}|sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40})\\b")
                        .at(0, "sntryu_", "cmvmd", "sgp_"),
                token("cloudflare_origin_ca_key", "\\bv1\\.0-[0-9a-f]{24}-[0-9a-f]{146}\\b").at(0, "v1.0-"),
                token("sonar_token", "\\bsq[pua]_[A-Za-z0-9]{40}\\b").at(0, "sqp_", "squ_", "sqa_"),
                token("jwt", "\\beyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}").at(0, "eyj"),
                MaskingRule.checked("authorization", "(?i)\\b(?:authorization|x-api-key|x-auth-token|api-key|private-token)[\"'`]?\\s*[:=]\\s*[\"'`]?"
                        + "(?:(?:bearer|basic|token|digest|bot|apikey)\\s+)?[\"'`]?([^\\s\"'`,;){}\\[\\]<>]{6,})", MaskingRules::isHeaderCredential)
                        .at(2, "authorization", "api-key", "auth-token", "private-token"),
                MaskingRule.checked("authorization", "(?i)\\bbearer\\s+([A-Za-z0-9_\\-+/=.~]{12,})", MaskingRules::isHeaderCredential).at(0, "bearer"),
                MaskingRule.checked("authorization", "(?i)\\bbasic\\s+([A-Za-z0-9+/]{8,}={0,2})(?![\\w\\-+/=.~])", ValueJudge::isBasicCredentials).at(0, "basic"),
                MaskingRule.checked("url_password", "\\b[a-zA-Z][a-zA-Z0-9+.\\-]*://[^/\\s:@\"'\\[\\]]{0,64}:([^/\\s@\"'\\[\\]]{1,128})@", ValueJudge::notPlaceholder)
                        .at(Candidates.inRunBeforeHints(MaskingRules::isSchemeChar, 64, "://")),
                // curl -u / --user: one shell word, quotes anywhere in it ('alice':"p4ss", "{id}":"{secret}")
                MaskingRule.checked("password", "(?i)(?:\\s|^)(?:-u|--user)(?:\\s+|=)((?:\"[^\"\\n]*\"|'[^'\\n]*'|[^\\s\"'])+)", MaskingRules::isUserCredential)
                        .at(1, "-u ", "--user ", "--user="),
                MaskingRule.judged("password", "(?i)--([\\w-]*?)(?:password|passwd|pass|token|secret|api-key|apikey|auth-token)(?:=|\\s+)[\"']?([^\\s\"']{3,})",
                        MaskingRules::isFlagSecret, 2).at(0, "--"),
                // -p of the tools where it is the password (elsewhere it is a port, a path or a profile)
                MaskingRule.checked("password", "(?i)\\b(?:sshpass|(?:docker|podman|nerdctl|buildah|skopeo|oras)\\s+login|helm\\s+registry\\s+login|redis-cli)\\b"
                        + "[^|;&\\n]*?\\s(?:-p|-a|--password|--pass)(?:\\s+|=)[\"']?([^\\s\"']+)", ValueJudge::notPlaceholder)
                        .at(Candidates.inRunBeforeHints(c -> c == ' ' || isWordChar(c) || c == '-', 40, "sshpass", "login", "redis-cli")),
                MaskingRule.checked("password", "\\b(?:mysql\\w*|mariadb\\w*)\\b[^|;&\\n]*?\\s-p([^\\s\"'-][^\\s\"']*)", ValueJudge::notPlaceholder).at(0, "mysql", "mariadb"),
                MaskingRule.checked("password", "(?i)key\\s*=\\s*\"[^\"]*(?:pass|secret|token|pwd)[^\"]*\"\\s+value\\s*=\\s*\"([^\"]{4,})\"",
                        ValueJudge::notPlaceholder).at(0, "key"),
                MaskingRule.whole("azure_client_secret", "(?<![A-Za-z0-9_~.\\-])[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.\\-]{31,34}").at(4, "q~"),
                // Kubernetes Secret manifests: every base64 value under data: is a secret, whatever its key.
                MaskingRule.checked("kubernetes_secret", "[ \t]*['\"]?[\\w.\\-]+['\"]?:[ \t]*(?:[|>][-+]?[ \t]*\r?\n[ \t]*)?['\"]?"
                        + "([A-Za-z0-9+/]{12,}={0,2})['\"]?[ \t]*(?:\r?\n|$)", MaskingRules::notFiller)
                        .at(Candidates.scanned(MaskingRules::kubernetesSecretEntries)),
                // key = value (shell, env files, YAML, JSON, code): the value of a key-like name.
                MaskingRule.judged("secret", "(?i)(?<!pub(?:lic)?[_.\\-]?)((?:" + KEY_WORDS + "|" + Provider.keyWordsRegex() + ")[\\w.\\-]*)"
                        + "[\"'`]?(?:\\s+(?:string|str|\\[\\]byte|bytes))?\\s*(?:\\]\\s*)?"
                        + "(?::{0,3}=|\\?=|\\.=|\\+=|=>|:(?!:)|(?<=[\"'][ \\t]{0,3}),(?=[ \\t]*[\"']))[ \\t]*" // not Type::method; a comma only between quoted strings
                        + "(?:[|>][-+]?[ \\t]*\\r?\\n[ \\t]*)?" // YAML block and folded scalars
                        + "(?:new\\s+\\w+\\(|\\w+\\(|&)?" + VALUE_OR_QUERY_PARAMETER, MaskingRules::isKeyedSecret, 2, 3, 4, 5, 6)
                        .at(Candidates.atHints(0, KEY_VALUE_STARTS)),
                MaskingRule.judged("secret", "(?i)<([\\w.\\-]*?" + KEY_WORDS + "[\\w.\\-]*)>\\s*([A-Za-z0-9_\\-+/=.~:]{8,})", MaskingRules::isKeyedSecret, 2)
                        .at(Candidates.inRunBeforeHints(c -> c == '<' || c == '.' || c == '-' || isWordChar(c), 64, KEY_HINTS)),
                // A long random token on a line that talks about keys or tokens.
                // (not the value of a public key or token, or of a name ending in "id": those are not secrets)
                MaskingRule.judged("high_entropy", "(?<![A-Za-z0-9_\\-+/=.~])" + NOT_AFTER_PUBLIC_OR_ID + "(" + TOKEN + "{20,})(?![A-Za-z0-9_\\-+/=.~])",
                        MaskingRules::isLooseSecret, 1).at(Candidates.longTokensNearHints(MaskingRules::isTokenChar, 20, MaskingRules::isKeyWord, KEY_HINTS)),
                // Not inside a hex string, a float or a word: 0x5f3a4111..., 19.6284231670014, id_4111...
                MaskingRule.checked("card_number", "(\\d(?<![\\w.\\-]\\d)(?:[ -]?\\d){12,18})(?![\\w\\-]|\\.\\d)", MaskingRules::luhnValid)
                        .at(Candidates.scanned(MaskingRules::cardNumberStarts)),
                MaskingRule.checked("iban", "([A-Z](?<![A-Za-z0-9_][A-Z])[A-Z]\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\\b", MaskingRules::ibanValid)
                        .at(Candidates.scanned(MaskingRules::ibanStarts)),
                MaskingRule.whole("phone", "(?<![\\w+])\\+\\d{1,3}[ .\\-]?\\(?\\d{1,4}\\)?(?:[ .\\-]?\\d{2,4}){2,4}(?![\\w])").at(0, "+"),
                MaskingRule.checked("email", "(?<![\\w.%+\\-])([A-Za-z0-9._%+\\-]{1,64}@[A-Za-z0-9.\\-]{1,253}\\.[A-Za-z]{2,24})(?![\\w])",
                        value -> !value.startsWith("git@"))
                        .at(Candidates.inRunBeforeHints(c -> c == '.' || c == '%' || c == '+' || c == '-' || isWordChar(c), 64, "@")),
                MaskingRule.whole(MaskingRule.HOME_DIR, "(?:/home/|/Users/)(?!\\[MASKED)[^/\\s\"']+").at(0, "/home/", "/users/"));
    }

    private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[\"'`,;)]+$");
    /** Lower-case words and numbers joined by dashes, dots or underscores: names such as {@code deploy-key-2024}. */
    private static final Pattern SLUG = Pattern.compile("(?:[a-z]+|\\d+)(?:[-_.](?:[a-z]+|\\d+))+");
    /** An '=' that is not base64 padding. */
    private static final Pattern INNER_EQUALS = Pattern.compile("=+[^=]");
    /** Words of a name in code: {@code Pdf}, {@code pubkey}, {@code X509} (a capital with its number), numbers. */
    private static final Pattern WORD_RUN = Pattern.compile("[A-Z]?[a-z]+|[A-Z]+\\d*(?![a-z])|\\d+");
    private static final Pattern GIT_HASH = Pattern.compile("[0-9a-f]{40}");

    /**
     * Where a card number may start: a digit not right after a digit or a dash (or after a space inside a run
     * of digits), with at least 13 digits, single spaces or dashes between them, from there. Such a number fills
     * 13 or more characters of digits, spaces and dashes in a row, so one of every 13 characters is probed and
     * only runs of them around a probe are looked at (the rest of the text, most of it, is skipped).
     */
    static int[] cardNumberStarts(String text) {
        Candidates.Ints starts = new Candidates.Ints();
        int[] runs = runs(text, 13, CARD_CHARS);
        for (int r = 0; r < runs.length; r += 2) {
            for (int i = runs[r]; i < runs[r + 1]; i++) {
                if (isCardNumberStart(text, i)) {
                    starts.add(i);
                }
            }
        }
        return starts.sorted();
    }

    static boolean isCardNumberStart(String text, int i) {
        if (!isDigit(text.charAt(i)) || (i > 0 && (isWordChar(text.charAt(i - 1)) && !afterEscape(text, i) || text.charAt(i - 1) == '-' || text.charAt(i - 1) == '.'))) {
            return false;
        }
        int digits = 1;
        for (int j = i + 1; j < text.length() && digits < 13; j++) {
            char c = text.charAt(j);
            if (isDigit(c)) {
                digits++;
            } else if (!((c == ' ' || c == '-') && isDigit(text.charAt(j - 1)))) {
                break;
            }
        }
        return digits >= 13;
    }

    private static final boolean[] CARD_CHARS = table("0123456789 -");
    private static final boolean[] IBAN_CHARS = table("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ");

    private static boolean[] table(String chars) {
        boolean[] table = new boolean[128];
        chars.chars().forEach(c -> table[c] = true);
        return table;
    }

    /**
     * The runs of at least {@code minRun} characters of {@code table} in the text, as {@code [from, to)} pairs, found
     * by probing one character in {@code minRun}: a run that long holds a probe, and most text is skipped.
     */
    static int[] runs(String text, int minRun, boolean[] table) {
        Candidates.Ints runs = new Candidates.Ints();
        int n = text.length();
        int done = 0; // the end of the last run looked at
        for (int probe = minRun - 1; probe < n; probe += minRun) {
            if (probe < done || !in(table, text.charAt(probe))) {
                continue;
            }
            int from = probe;
            while (from > done && in(table, text.charAt(from - 1))) {
                from--;
            }
            int to = probe + 1;
            while (to < n && in(table, text.charAt(to))) {
                to++;
            }
            if (to - from >= minRun) {
                runs.add(from);
                runs.add(to);
            }
            done = to;
        }
        return runs.sorted();
    }

    private static boolean in(boolean[] table, char c) {
        return c < 128 && table[c];
    }

    private static final Pattern SECRET_KIND = Pattern.compile("(?im)^[ \t]*kind:[ \t]*['\"]?secret['\"]?[ \t]*$");
    private static final Pattern DATA_BLOCK = Pattern.compile("(?m)^([ \t]*)data:[ \t]*$");

    /** The lines of a Kubernetes {@code Secret} manifest's {@code data:} block (entries are indented deeper than the key). */
    static int[] kubernetesSecretEntries(String text) {
        Candidates.Ints starts = new Candidates.Ints();
        if (!text.contains("ind:") || !SECRET_KIND.matcher(text).find()) {
            return starts.sorted();
        }
        Matcher data = DATA_BLOCK.matcher(text);
        while (data.find()) {
            int indent = data.group(1).length();
            for (int at = data.end() + 1; at < text.length(); ) {
                int end = text.indexOf('\n', at);
                end = end < 0 ? text.length() : end;
                int first = at;
                while (first < end && (text.charAt(first) == ' ' || text.charAt(first) == '\t')) {
                    first++;
                }
                if (first < end && text.charAt(first) != '#' && text.charAt(first) != '\r') {
                    if (first - at <= indent) {
                        break; // back at the data: key's level: the block has ended
                    }
                    starts.add(at);
                }
                at = end + 1;
            }
        }
        return starts.sorted();
    }

    /**
     * Where an IBAN may start: two capital letters then two digits, not inside a word. The pattern needs 12 or more
     * capitals, digits and spaces in a row, so only such runs are looked at (see {@link #runs}).
     */
    static int[] ibanStarts(String text) {
        Candidates.Ints starts = new Candidates.Ints();
        int[] runs = runs(text, 12, IBAN_CHARS);
        for (int r = 0; r < runs.length; r += 2) {
            for (int i = runs[r]; i < runs[r + 1] - 3; i++) {
                if (isIbanStart(text, i)) {
                    starts.add(i);
                }
            }
        }
        return starts.sorted();
    }

    static boolean isIbanStart(String text, int i) {
        return i + 3 < text.length() && isUpper(text.charAt(i)) && isUpper(text.charAt(i + 1)) && isDigit(text.charAt(i + 2)) && isDigit(text.charAt(i + 3))
                && (i == 0 || !isWordChar(text.charAt(i - 1)) || afterEscape(text, i));
    }

    /** Right after an escape such as {@code \n}: the rules' view reads it as spaces (see {@link EscapeBlankedText}). */
    private static boolean afterEscape(String text, int i) {
        return i >= 2 && text.charAt(i - 2) == '\\';
    }

    private static final boolean[] TOKEN_CHARS = new boolean[128];

    static {
        for (int c = 0; c < TOKEN_CHARS.length; c++) {
            TOKEN_CHARS[c] = isWordChar(c) || c == '-' || c == '+' || c == '/' || c == '=' || c == '.' || c == '~';
        }
    }

    /** A character of {@link #TOKEN} (a table: the entropy rule's scan asks this of every character near a key word). */
    static boolean isTokenChar(int c) {
        return c >= 0 && c < TOKEN_CHARS.length && TOKEN_CHARS[c];
    }

    /** A character of a URL's scheme. */
    static boolean isSchemeChar(int c) {
        return isWordChar(c) && c != '_' || c == '+' || c == '.' || c == '-';
    }

    /** A character of {@code \w}: ASCII letters, digits and the underscore. */
    static boolean isWordChar(int c) {
        return isUpper(c) || (c >= 'a' && c <= 'z') || isDigit(c) || c == '_';
    }

    private static boolean isUpper(int c) {
        return c >= 'A' && c <= 'Z';
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static final Pattern EXAMPLE_AT_END = Pattern.compile("EXAMPLE(?:KEY)?=*$");
    private static final Pattern REPEATED_UNIT = Pattern.compile("(.{1,3}?)\\1{5,}");
    private static final Pattern KEY_MATERIAL = Pattern.compile("[A-Za-z0-9+/=]{40}");

    /**
     * Not a filler written in place of a real token: mostly one short unit repeated ({@code xxxx}, {@code 111},
     * {@code 123123}), a closing {@code EXAMPLE} (the AWS documentation's convention), "here" ({@code ...TokenHere}),
     * "..." (elided), the alphabet spelled out ({@code AIzaSyabcdefghijklmnopqrstuvwxyz1234567}) or counting runs
     * end to end ({@code 1234567890abcdef1234}, {@code abc123}).
     */
    static boolean notFiller(String value) {
        if (EXAMPLE_AT_END.matcher(value).find() || value.regionMatches(true, value.length() - 4, "here", 0, 4) || value.endsWith("...")
                || hasAlphabetRun(value) || isCountingRuns(value)) {
            return false;
        }
        Matcher repeated = REPEATED_UNIT.matcher(value);
        while (repeated.find()) {
            int length = repeated.end() - repeated.start();
            if (length >= 8 && length * 5 >= value.length() * 2) {
                return false;
            }
        }
        return true;
    }

    /**
     * Most of the alphabet in order and in one case ({@code abcdefghijklmnopqrstuvwxyz}): typed in place of a key. Shorter
     * runs are not enough: gitleaks' own Anthropic test keys, which it counts as real, hold {@code klmnopqrstuvwx}; nor
     * are mixed-case ones such as {@code AbCdEfGhIjKlMnOpQrStUv}, which look typed to pass for a key.
     */
    private static boolean hasAlphabetRun(String value) {
        int run = 1;
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean next = ((c >= 'b' && c <= 'z') || (c >= 'B' && c <= 'Z')) && c == value.charAt(i - 1) + 1;
            run = next ? run + 1 : 1;
            if (run >= 20) {
                return true;
            }
        }
        return false;
    }

    /**
     * Nothing but runs of three and more counting up ({@code 123}, {@code 67890}, {@code abcdef}): a random token of six
     * characters and more almost never is.
     */
    private static boolean isCountingRuns(String value) {
        if (value.length() < 6) {
            return false;
        }
        int run = 1;
        int covered = 0;
        for (int i = 1; i <= value.length(); i++) {
            if (i < value.length() && isNextInCount(value.charAt(i - 1), value.charAt(i))) {
                run++;
                continue;
            }
            if (run < 3) {
                return false;
            }
            covered += run;
            run = 1;
        }
        return covered == value.length();
    }

    private static boolean isNextInCount(char previous, char c) {
        return Character.isLetterOrDigit(c) && c == previous + 1 || previous == '9' && c == '0';
    }

    /** A key hint that is a key word: "key" going on as another word ({@code MaxKeyframeDistance}, {@code keyboard}) is none; "keys" and "apiKeyValue" are. */
    static boolean isKeyWord(String text, int start, int end) {
        if (end - start != 3 || end == text.length() || !text.regionMatches(true, start, "key", 0, 3)) {
            return true;
        }
        char next = text.charAt(end);
        return next < 'a' || next > 'z' || next == 's';
    }

    /** A PEM private key block with key material in it, not a template such as {@code BEGIN PRIVATE KEY-----\n...}. */
    static boolean hasKeyMaterial(String block) {
        return KEY_MATERIAL.matcher(block).find();
    }

    /** {@code user:password} of {@code curl -u}: a password (or, with none, a user name that is a key), not {@code 1000:1000}. */
    static boolean isUserCredential(String word) {
        String value = word.replace("\"", "").replace("'", "");
        int colon = value.indexOf(':');
        if (colon < 0 || value.chars().anyMatch(Character::isWhitespace)) {
            return false;
        }
        String secret = colon == value.length() - 1 ? value.substring(0, colon) : value.substring(colon + 1);
        // a format field such as {secret} counts: the program fills it with the real one
        String bare = secret.startsWith("{") && secret.endsWith("}") ? secret.substring(1, secret.length() - 1) + "1x" : secret;
        return ValueJudge.notPlaceholder(bare) && !secret.chars().allMatch(MaskingRules::isDigit) && !ValueJudge.isPathOrUrl(secret); // socat -u file:/etc/x
    }


    /** Shannon entropy of at least 3.5 bits per character, with letters and digits mixed. */
    static boolean isHighEntropy(String value) {
        if (value.length() < 20 || !notFiller(value) || ValueJudge.isHostName(value)
                || INNER_EQUALS.matcher(value).find() || SLUG.matcher(value).matches() || isAlphabet(value) || isCodeName(value)) {
            return false; // host names, name=value pairs, slugs, alphabets and names in code are not keys
        }
        int[] counts = new int[128];
        int n = 0;
        for (char c : value.toCharArray()) {
            if (c < 128) {
                counts[c]++;
                n++;
            }
        }
        double entropy = 0;
        for (int count : counts) {
            if (count > 0) {
                double p = (double) count / n;
                entropy -= p * Math.log(p) / Math.log(2);
            }
        }
        boolean digit = value.chars().anyMatch(Character::isDigit);
        boolean letter = value.chars().anyMatch(Character::isLetter);
        return entropy >= 3.5 && digit && letter && !value.contains("/") && !GIT_HASH.matcher(value).matches();
    }

    /**
     * Words joined by case changes, dots or underscores ({@code PdfEncryptionKeySize.Key128Bit},
     * {@code struct_X509_pubkey_st}): its runs of letters and digits average four characters or more, where
     * a random token's change every two or so.
     */
    private static boolean isCodeName(String value) {
        Matcher runs = WORD_RUN.matcher(value);
        int count = 0;
        int chars = 0;
        while (runs.find()) {
            count++;
            chars += runs.end() - runs.start();
        }
        return count > 1 && chars >= count * 4 && value.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_'));
    }

    /** Mostly counting up: a character set such as {@code 0123456789abcdef...} spelled out in code. */
    private static boolean isAlphabet(String value) {
        int ascending = 0;
        for (int i = 1; i < value.length(); i++) {
            ascending += value.charAt(i) == value.charAt(i - 1) + 1 ? 1 : 0;
        }
        return ascending * 5 >= value.length() * 4;
    }

    /** Groups as cards print them: fours (the last one shorter), or Amex's and Diners' 4-6-5 and 4-6-4; not a list of numbers. */
    private static final Pattern CARD_GROUPS = Pattern.compile("\\d{4}(?:([ -])\\d{4}){2}\\1\\d{1,4}(?:\\1\\d{1,3})?|\\d{4}([ -])\\d{6}\\2\\d{4,5}");

    /**
     * Whether the digits begin as payment cards do (ISO/IEC 7812 major industry identifiers 2-6: Mastercard, Amex,
     * Diners, JCB, Visa, Discover, UnionPay, Maestro), 13 digits only for Visa's old numbers, and the 3-series by
     * its schemes' lengths (Diners 14 digits from 30, 36, 38 or 39; Amex 15 from 34 or 37; JCB 16-19 from 35;
     * Diners 16 from 36): a millisecond timestamp ({@code 1650063796248}), an id starting with 1, 7, 8, 9 or 0, or
     * a 15-digit constant from 36 is none.
     */
    private static boolean isCardIssuerPrefix(String digits) {
        char first = digits.charAt(0);
        int length = digits.length();
        if (first == '3') {
            String two = digits.substring(0, 2);
            return switch (length) {
                case 14 -> two.equals("30") || two.equals("36") || two.equals("38") || two.equals("39");
                case 15 -> two.equals("34") || two.equals("37");
                default -> length >= 16 && (two.equals("35") || length == 16 && two.equals("36"));
            };
        }
        return first >= '2' && first <= '6' && (length != 13 || first == '4');
    }

    static boolean luhnValid(String candidate) {
        String digits = candidate.replace(" ", "").replace("-", "");
        if (digits.length() < 13 || digits.length() > 19 || digits.chars().distinct().count() < 3 || !isCardIssuerPrefix(digits)
                || !digits.equals(candidate) && !CARD_GROUPS.matcher(candidate).matches()) {
            return false;
        }
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    static boolean ibanValid(String candidate) {
        String iban = candidate.replace(" ", "");
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        StringBuilder numeric = new StringBuilder();
        for (char c : rearranged.toCharArray()) {
            numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }
}

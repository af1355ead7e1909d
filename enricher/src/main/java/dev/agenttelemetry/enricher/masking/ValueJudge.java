package dev.agenttelemetry.enricher.masking;

import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a value found in a secret's place (after a key word, a flag, a header) is one, by its shape:
 * a provider's format decides where the value has one (see {@link Provider}); otherwise length, alphabet mix
 * and randomness against the shapes that are no secret: code references and expressions, identifiers, file
 * names, paths and URLs, UUIDs, hashes, Claude's own ids, words, numbers, placeholders and templates.
 */
final class ValueJudge {
    private ValueJudge() {
    }

    /** Claude's own ids (tool uses, requests, messages): the audit trail joins on them. */
    private static final Pattern CLAUDE_ID = Pattern.compile("(?:toolu|srvtoolu|req|msg|msgbatch)_[A-Za-z0-9]{16,}");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+|[0-9A-F]+");
    /**
     * A reference in code: {@code process.env.API_KEY}, {@code this._token}, {@code this.#tokens}, {@code U6A.SENSITIVE_STRING},
     * {@code self.config["token"]}, {@code getToken()}, {@code .concat(auth.bearer)}; its last name has no digits
     * inside (a random token's does).
     */
    private static final Pattern CODE_REFERENCE = Pattern.compile(
            "[A-Za-z_$][\\w$]*(?:(?:\\.|\\?\\.|->|::)[A-Za-z_$][\\w$]*)*(?:\\.|\\?\\.|->|::)[A-Za-z_$][A-Za-z_$]*\\d{0,3}(?:\\(.*|\\[.*)?"
                    + "|(?:this|self)\\.#?[\\w$.#]+(?:\\(.*)?|[A-Za-z_$][\\w$]*\\(.*|!+[A-Za-z_$(].*|_{1,2}[A-Za-z$][\\w$]*|/\\*.*"
                    + "|\\.[A-Za-z_$][\\w$]*\\(.*");
    /** Ruby's instance and class variables: {@code @session_token}, {@code @client.get_token}. */
    private static final Pattern RUBY_VARIABLE = Pattern.compile("@{1,2}(?=[a-z_])");
    private static final Pattern URL = Pattern.compile("(?i)[a-z][a-z0-9+.\\-]*://[^\\s@]*");
    /** A path, its segments maybe templates as API routes write them ({@code /v1/auth/{mount_point}/login}), or a Windows path. */
    private static final Pattern PATH = Pattern.compile("(?:~|\\.{1,2})?/(?:(?:[\\w.\\-@]+|\\{\\w+\\})/)*(?:[\\w.\\-@]*|\\{\\w+\\})|[A-Za-z]:\\\\[\\w.\\-\\\\ ]*");
    private static final Pattern FILE_NAME = Pattern.compile("(?i)[\\w.\\-]+\\.(?:pem|crt|cer|der|key|p12|pfx|jks|keystore|json|ya?ml|toml|ini|cfg|conf"
            + "|env|txt|properties|xml|csv|log|sh|py|js|ts|rb|rs|go|java|gpg|asc|pub|db|sqlite|html?|md|rst)(?:#[\\w.\\-]*)?"); // a link's #fragment
    /** A date, maybe with its time: {@code 2022-09-26}, {@code 2022-09-26T00:00:00.000Z}. */
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?");
    /** Hash, cipher and signature algorithms by name: {@code sha256}, {@code hmac-sha512}, {@code aes-256-gcm}, {@code ed25519}. */
    private static final Pattern ALGORITHM = Pattern.compile("(?i)(?:hmac[-_]?)?(?:sha[-_]?(?:1|224|256|384|512)|sha3[-_](?:224|256|384|512)|md5"
            + "|blake2[bs]|aes[-_]?(?:128|192|256)(?:[-_](?:gcm|cbc|ctr|cfb|ofb))?|3des|des3|rsa(?:[-_]?(?:1024|2048|3072|4096))?|ecdsa|ed25519"
            + "|pbkdf2(?:[-_]sha(?:1|256|512))?|bcrypt|scrypt|argon2(?:id|i|d)?|scram-sha-(?:1|256))");
    /** Numbers, hexadecimal constants up to 64 bits ({@code 0x00000020}; a 256-bit key is longer) and references such as RFC 4519. */
    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d{1,14}(?:[.,:]\\d+)*(?:[eE][-+]?\\d+)?|0x[0-9a-fA-F]{1,16}|(?:RFC|rfc) ?\\d{1,5}");
    /** A version or a dependency's version range: {@code 1.2.3}, {@code v2.0-rc1}, {@code ^1.4}, {@code 0.10.x}, {@code >=2.1.*}. */
    private static final Pattern VERSION = Pattern.compile("(?:[\\^~]|[<>]=?|=)?v?\\d+(?:\\.(?:\\d+|x|\\*)){1,3}(?:[-+][\\w.]+)?");
    /** Config keys, class names, constants: {@code db.password.file}, {@code SecretName}, {@code API_KEY}, {@code my-secret-name}. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z]+(?:[._\\-][a-z]+)*|[A-Za-z][a-z]+(?:[A-Z][a-z]+)*|[A-Z][A-Z_]*|[a-z]+(?:[A-Z][a-z]+)+");
    private static final Pattern PLACEHOLDER = Pattern.compile("(?i)(?:your|my|the|some|a|an|test|fake|dummy|mock|sample|example)?[_\\- ]?"
            + "(?:api[_\\-]?)?(?:key|token|secret|password|pass|passwd|pwd|credentials?|user(?:name)?|value)[_\\-]?(?:here|\\d{1,2})?|changeme|example\\w*|placeholder|\\**(?:redacted|hidden|masked|removed|omitted)\\**|dummy|sample|test|xxx+|\\*+|\\.{3}|•+"
            + "|true|false|null|nil|none|undefined|required|optional|string|str|bytes|int|number|boolean|object|any|secret|token|password");
    private static final Pattern MARKDOWN_EMPHASIS = Pattern.compile("^[*_]+|[*_]+[.,;:]?$");
    /** A function's signature, as ABIs and interfaces quote them: {@code Error(string)}, {@code transfer(address,uint256)}. */
    private static final Pattern SIGNATURE = Pattern.compile("[A-Za-z_$][\\w$]*\\([\\w$,\\[\\] ]*\\)");
    /** A hash that pins a script or a package: {@code sha384-<base64>} (Subresource Integrity, npm's lock files). */
    private static final Pattern SUBRESOURCE_INTEGRITY = Pattern.compile("sha(?:256|384|512)-[A-Za-z0-9+/]{43,86}={0,2}");
    /** A scoped npm package, as {@code require} and {@code import} name it: {@code @smithy/signature-v4}. */
    private static final Pattern NPM_PACKAGE = Pattern.compile("@[a-z0-9][\\w.\\-]*/[a-z0-9][\\w.\\-]*");
    private static final Pattern HOST_NAME = Pattern.compile("(?i)(?:[a-z0-9\\-]+\\.)+[a-z]{2,24}(?::\\d{1,5})?");

    private static final Pattern QUOTES_AROUND = Pattern.compile("^[\"'`(\\[]+|[\"'`),;\\]]+$");
    private static final Pattern SHORT_WORD = Pattern.compile("[a-z]{1,8}");
    /** The words the flag, header and {@code -u} rules take for a placeholder ({@link #PLACEHOLDER} adds more). */
    private static final Pattern PLACEHOLDER_WORD = Pattern.compile("(?i)(?:your|my|the|some)?[_\\-]?(?:api[_\\-]?)?(?:key|token|secret|password|pass"
            + "|passwd|pwd|credentials?|user(?:name)?)[_\\-]?(?:here)?|changeme|example\\w*|placeholder|redacted|dummy|xxx+|\\*+|\\.{3}");

    /**
     * The last word of a key that names what the value is about rather than the secret itself: {@code token_url},
     * {@code TokenFile}, {@code secret_length}, {@code password_hint}, {@code api_key_id}.
     */
    private static final Set<String> NOT_A_SECRET_KEY_ENDING = Set.of("id", "ids", "name", "names", "type", "types", "kind", "method", "url", "uri", "urls",
            "endpoint", "path", "file", "filename", "dir", "directory", "location", "length", "len", "size", "count", "mode", "provider", "header",
            "headers", "enabled", "disabled", "format", "version", "prefix", "suffix", "expiry", "expires", "expiration", "ttl", "timeout", "scope",
            "scopes", "store", "manager", "ref", "field", "service", "host", "domain", "policy", "algorithm", "algo", "label", "description",
            "hint", "regex", "pattern", "env", "var", "variable", "placeholder", "template", "source", "limit", "index", "key_id", "lifetime",
            "usage", "rotation", "status", "state", "error", "message", "required", "exists", "valid", "present", "set", "hash", "digest",
            "handler", "processor", "mgr", "factory", "loader", "helper", "class", "module", "plugin", "adapter", "middleware", "strategy",
            "backend", "callback", "fetcher", "realm", "request", "thumbprint", "fingerprint", "at", "date", "time", "timestamp", "change",
            "changed", "encryption");
    /** A word of a key that names the public half of a key pair: {@code testKeyECPubX}, {@code signing_key_public_pem}. */
    private static final Pattern PUBLIC_WORD = Pattern.compile("(?<![A-Za-z])pub(?:lic)?(?![a-z])|Pub(?:lic)?(?![a-z])|(?<![A-Z])PUB(?:LIC)?(?![A-Z])");
    private static final Pattern SECRET_WORD = Pattern.compile("(?i)" + String.join("|", MaskingRules.KEY_HINTS));

    /** Whether a key ({@code db_password}, {@code apiKey}, {@code TokenFile}) names a secret rather than something about one. */
    static boolean keyNamesSecret(String key) {
        if (key == null) {
            return true;
        }
        String last = lastWord(key);
        return !NOT_A_SECRET_KEY_ENDING.contains(last) && !PAGINATION_TOKEN.matcher(key).find() && !namesPublicHalf(key);
    }

    /** A key that names public material after its secret word: {@code testKeyECPubX} (not {@code ssh_pub_key_password}). */
    private static boolean namesPublicHalf(String key) {
        int lastPublic = lastMatch(PUBLIC_WORD, key);
        return lastPublic >= 0 && lastPublic > lastMatch(SECRET_WORD, key);
    }

    /** Where the pattern last matches in the text, or -1. */
    private static int lastMatch(Pattern pattern, String text) {
        Matcher match = pattern.matcher(text);
        int last = -1;
        while (match.find()) {
            last = match.start();
        }
        return last;
    }

    /** A token that marks a place in a listing ({@code NextToken}, {@code nextPageToken}, {@code ContinuationToken}), not a credential. */
    private static final Pattern PAGINATION_TOKEN = Pattern.compile("(?i)(?:next|page|continuation|pagination|cursor|sync|resume)[_\\-.]?token[\"'`]?$");

    /** The key's last word, lower-case: split at {@code _ - .} and where a lower-case letter meets a capital. */
    static String lastWord(String key) {
        int end = key.length();
        while (end > 0 && !Character.isLetterOrDigit(key.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0) {
            char c = key.charAt(start - 1);
            if (!Character.isLetterOrDigit(c)) {
                break;
            }
            start--;
            if (Character.isUpperCase(c) && start > 0 && Character.isLowerCase(key.charAt(start - 1)) && start < end - 1) {
                break; // "TokenFile": the capital begins the last word
            }
        }
        return key.substring(start, end).toLowerCase(Locale.ROOT);
    }

    /** One of the shapes that are never a secret, whatever the key says. */
    static boolean isKnownNonSecret(String value) {
        return CLAUDE_ID.matcher(value).matches() || isTemplate(value) || URL.matcher(value).matches() && !value.contains("@") || isUrlWithExampleUser(value)
                || PATH.matcher(value).matches() || FILE_NAME.matcher(value).matches() || NUMBER.matcher(value).matches()
                || VERSION.matcher(value).matches() || PLACEHOLDER.matcher(value).matches() || IDENTIFIER.matcher(value).matches()
                || HOST_NAME.matcher(value).matches() || isCompoundName(value) || SUBRESOURCE_INTEGRITY.matcher(value).matches()
                || NPM_PACKAGE.matcher(value).matches() || SIGNATURE.matcher(value).matches()
                || isSphinxReference(value) && isCompoundName(value.substring(1)) || !MaskingRules.notFiller(value) || isBase64OfExample(value)
                || SPECIFICATION_EXAMPLES.contains(value) || DATE.matcher(value).matches() || ALGORITHM.matcher(value).matches();
    }

    /**
     * The example credentials of the specifications that define them, which code and documentation quote: RFC 6749's
     * access, refresh and authorization code tokens and client credentials, RFC 6750's bearer token, RFC 7617's user.
     */
    private static final Set<String> SPECIFICATION_EXAMPLES = Set.of("2YotnFZFEjr1zCsicMWpAA", "tGzv3JOkF0XG5Qx2TlKWIA",
            "SplxlOBeZQQYbYS6WxSbIA", "s6BhdRkqt3:gX1fBat3bV", "gX1fBat3bV", "mF_9.B5f-4.1JqM", "Aladdin:open sesame");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9_\\-]{16,}={0,2}");
    /** A constant's name standing in for a password: {@code CLIENT_SECRET}, {@code API_TOKEN}. */
    private static final Pattern CONSTANT_NAME = Pattern.compile("[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+");

    /** Base64 of a test's stand-in: a sentence, or an example's user and password (see {@link #isExampleText}). */
    private static boolean isBase64OfExample(String value) {
        if (!BASE64.matcher(value).matches()) {
            return false;
        }
        String text = decodeBase64(value);
        return text != null && isExampleText(text);
    }

    /**
     * Text that tests and documentation encode in place of a credential: a sentence ("this is not a real value"; a
     * credential decodes to random bytes, JSON or {@code user:password}, never to five words and more), or a user and a
     * password that is a placeholder or a constant's name ({@code user:password}, {@code CLIENT_ID:CLIENT_SECRET}), or a
     * specification's example.
     */
    private static boolean isExampleText(String text) {
        if (SPECIFICATION_EXAMPLES.contains(text)) {
            return true;
        }
        long spaces = text.chars().filter(c -> c == ' ').count();
        long lettersAndSpaces = text.chars().filter(c -> c == ' ' || Character.isLetter(c)).count();
        if (spaces >= 4 && lettersAndSpaces * 10 >= text.length() * 9) {
            return true;
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        String password = text.substring(colon + 1);
        return PLACEHOLDER.matcher(password).matches() || CONSTANT_NAME.matcher(password).matches();
    }

    /** The text that base64 (standard or URL-safe, padded or not) encodes, if it is text: no control characters, valid UTF-8. */
    private static String decodeBase64(String value) {
        String unpadded = value.replaceAll("=+$", "");
        try {
            byte[] decoded = (unpadded.indexOf('-') >= 0 || unpadded.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
                    .decode(unpadded);
            String text = new String(decoded, java.nio.charset.StandardCharsets.UTF_8);
            return text.chars().allMatch(c -> c >= 32 && c != 127 && c != 0xFFFD) ? text : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static final Pattern URL_WITH_USER = Pattern.compile("(?i)[a-z][a-z0-9+.\\-]*://[^\\s:@/]*:([^\\s@/]*)@[^\\s@]*");

    /** A URL whose user info is an example's: {@code socks5://user:pass@localhost:1080}. */
    private static boolean isUrlWithExampleUser(String value) {
        Matcher url = URL_WITH_USER.matcher(value);
        return url.matches() && !notPlaceholder(url.group(1));
    }

    /** Sphinx's short form of a dotted name: {@code ~pkg.module.Class} (a home path is {@code ~/...}). */
    private static boolean isSphinxReference(String value) {
        return value.length() > 1 && value.charAt(0) == '~' && Character.isLetter(value.charAt(1));
    }

    private static final Pattern NAME_CHARACTERS = Pattern.compile("[A-Za-z0-9._\\-:/$]+");
    private static final Pattern NAME_SEPARATORS = Pattern.compile("[._\\-:/$]+");
    /** The words of a name: an acronym before a capitalised word (the API of APIKeys), a word, an acronym, digits. */
    private static final Pattern NAME_WORD = Pattern.compile("[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\\d+");
    private static final Pattern CONSONANT_RUN = Pattern.compile("[b-df-hj-np-tv-xz]{5}");
    /** Words written with a number: k8s, i18n, a11y. */
    private static final Pattern NUMERONYM = Pattern.compile("(?i)k8s|i18n|l10n|a11y|o11y|e2e|p2p|ec2|b2[bc]"
            + "|(?<![A-Za-z0-9])v\\d{1,2}(?:(?:alpha|beta)\\d{0,2})?(?![A-Za-z0-9])" // API versions: v2, v2beta1
            + "|rfc\\d{3,5}|ed25519|x25519|ed448|x448|secp\\d{3}[kr]1|nistp\\d{3}"); // RFCs and key algorithms
    /** A word and then digits after a dash at the end, as passwords add them: correct-horse-7 (not token_cache_1, a module's alias). */
    private static final Pattern PASSWORD_DIGITS = Pattern.compile("(?=.*[a-z])[A-Za-z]-\\d+$"); // not a constant: MIT-MAGIC-COOKIE-1
    /** Protocols and formats that names spell as words though they have no vowel: {@code HttpAuthOption}, {@code parseHtml}. */
    private static final Set<String> VOWELLESS_NAME_WORDS = Set.of("http", "https", "html", "grpc", "smtp", "smtps", "pkcs", "ntlm", "sftp", "ftps", "xmpp");

    /**
     * A name made of words, as code and documentation write them: {@code x-amz-server-side-encryption-customer-key-MD5},
     * {@code createAwsAuthSigv4aHttpAuthOption}, {@code IDomainCredentials}, {@code urn:...:token-type:jwt},
     * {@code PaymentIntent.payment_method_data}. Split at separators and case changes, a name has at least two words
     * of three letters or more, words of three letters on average, pronounceable words (a vowel from four letters
     * on, no five consonants in a row, at most 20 letters), few one-letter words, and digits only as a part of their
     * own ({@code 2025-02-19}) or after a word ({@code S3}, {@code x509}), at most twice or once for every two long
     * words. A random token splits into one-letter words, digits here and there, or unpronounceable runs.
     */
    static boolean isCompoundName(String value) {
        if (value.length() < 6 || value.length() > 160 || !NAME_CHARACTERS.matcher(value).matches()) {
            return false;
        }
        int words = 0;
        int letterWords = 0;
        int letters = 0;
        int longWords = 0;
        int oneLetterWords = 0;
        int digitsAfterWords = 0;
        String[] segments = NAME_SEPARATORS.split(NUMERONYM.matcher(value).replaceAll("Word"));
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty()) {
                continue;
            }
            if (isDigits(segment)) {
                if (segment.length() > 4 || i == segments.length - 1 && (i == 0 || !isDigits(segments[i - 1]))
                        && PASSWORD_DIGITS.matcher(value).find()) {
                    return false; // a date's or an index's parts, not a long number nor a password's digits: correct-horse-7
                }
                words++;
                continue;
            }
            Matcher word = NAME_WORD.matcher(segment);
            boolean afterWord = false;
            while (word.find()) {
                String w = word.group();
                words++;
                if (Character.isDigit(w.charAt(0))) {
                    if (!afterWord || w.length() > 3) {
                        return false;
                    }
                    digitsAfterWords++;
                    afterWord = false;
                    continue;
                }
                afterWord = true;
                letterWords++;
                letters += w.length();
                String lower = w.toLowerCase(Locale.ROOT);
                boolean acronym = w.length() <= 6 && w.chars().allMatch(Character::isUpperCase); // CSRF, AWSSDK
                if (w.length() == 1) {
                    oneLetterWords++;
                } else if (lower.length() > 20 || !acronym && lower.length() >= 4 && !VOWELLESS_NAME_WORDS.contains(lower)
                        && (lower.chars().noneMatch(c -> "aeiouy".indexOf(c) >= 0) || CONSONANT_RUN.matcher(lower).find())) {
                    return false;
                }
                if (w.length() >= 3) {
                    longWords++;
                }
            }
        }
        return longWords >= 2 && oneLetterWords * 3 <= words && letters >= 3 * letterWords && digitsAfterWords <= Math.max(2, longWords / 2);
    }

    private static boolean isDigits(String text) {
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
    }

    /** Not a placeholder: a variable, a template, an angle-bracketed hint or a word such as "password". */
    static boolean notPlaceholder(String value) {
        String v = QUOTES_AROUND.matcher(value).replaceAll("");
        if (v.isEmpty() || "$<{%[(".indexOf(v.charAt(0)) >= 0 || v.contains("${") || v.contains("$(") || v.endsWith(">")) {
            return false;
        }
        return !PLACEHOLDER_WORD.matcher(v).matches() && !SHORT_WORD.matcher(v).matches() && v.chars().distinct().count() >= 3;
    }

    /** A host name, with an optional port: {@code api.example.com:443}. */
    static boolean isHostName(String value) {
        return HOST_NAME.matcher(value).matches();
    }

    /** A path or a URL without user info: {@code /etc/hosts}, {@code ./certs}, {@code https://example.com/x}. */
    static boolean isPathOrUrl(String value) {
        return PATH.matcher(value).matches() || URL.matcher(value).matches() && !value.contains("@");
    }

    /**
     * A variable, a template expression, a format's field or an angle-bracketed hint: {@code $TOKEN}, {@code ${token}},
     * {@code {{ .Values.x }}}, {@code <your-key>}, {@code %s}, {@code /auth/%s/login}.
     */
    static boolean isTemplate(String value) {
        return value.isEmpty() || "$<{%[(".indexOf(value.charAt(0)) >= 0 || value.contains("${") || value.contains("$(") || value.contains("{{")
                || value.endsWith(">") || value.endsWith("}") && value.contains("{") || FORMAT_SPECIFIER.matcher(value).find();
    }

    /** A printf or Python format's field in a value: {@code storage-systems/%s/passwords}, {@code %(user)s}, {@code {0}}. */
    private static final Pattern FORMAT_SPECIFIER = Pattern.compile("%(?:\\(\\w+\\))?[-+ #0]?\\d*(?:\\.\\d+)?[sdixf](?![A-Za-z0-9])|\\{\\w{0,30}\\}");

    /** A file's name with an extension that names its format: {@code server.pem}, {@code site.yml}. */
    static boolean isFileName(String value) {
        return FILE_NAME.matcher(value).matches();
    }

    /** A reference in code rather than a literal: only a value written bare (not in quotes) can be one. */
    static boolean isCodeReference(String value) {
        String v = value.endsWith("!") ? value.substring(0, value.length() - 1) : value; // TypeScript's non-null assertion
        v = v.startsWith("&") || v.startsWith("*") ? v.substring(v.startsWith("&mut ") ? 5 : 1) : v; // Rust's and Go's references: &self.config
        v = v.startsWith("\\") ? v.substring(1).replace('\\', '.') : v; // PHP's fully qualified names: \CURLAUTH_NTLM, \App\Auth::token
        Matcher rubyVariable = RUBY_VARIABLE.matcher(v);
        v = rubyVariable.lookingAt() ? v.substring(rubyVariable.end()) : v; // then a name made of words, or a member of one
        v = isSphinxReference(v) ? v.substring(1) : v;
        v = v.replace("&#40;", "(").replace("&#40", "(").replace("&lpar;", "("); // code samples in Javadoc and HTML: getSecret&#40;
        return CODE_REFERENCE.matcher(v).matches() || isCompoundName(v.replace("?.", "."));
    }

    /**
     * The value of a key that names a secret ({@code password = ...}, {@code "apiKey": ...}): a literal that is
     * not one of the non-secret shapes, long and mixed enough to be a credential rather than a word.
     */
    static boolean isSecretValue(String value, boolean quoted) {
        String v = value.strip();
        if (v.length() < 6 || v.chars().anyMatch(Character::isWhitespace) || isKnownNonSecret(v) || isEmphasisedNonSecret(v)
                || !quoted && isCodeReference(v.endsWith("=") ? v.substring(0, v.length() - 1) : v)) { // a setter's name: alias token= api_token=
            return false;
        }
        boolean digit = v.chars().anyMatch(Character::isDigit);
        boolean letter = v.chars().anyMatch(Character::isLetter);
        boolean upper = v.chars().anyMatch(Character::isUpperCase);
        boolean lower = v.chars().anyMatch(Character::isLowerCase);
        boolean symbol = v.chars().anyMatch(c -> "+/=_-.~:@#$%^*!?&".indexOf(c) >= 0);
        boolean longNumber = v.length() >= 15 && v.chars().allMatch(Character::isDigit); // numeric secrets (Discord, Asana)
        return (digit && letter) || longNumber || (upper && lower && v.length() >= 10) || (symbol && letter && v.length() >= 12) || v.length() >= 20;
    }

    /** A non-secret in Markdown's or reST's emphasis: {@code *urn:...:token-type:jwt*}, {@code **DEPRECATED**}. */
    private static boolean isEmphasisedNonSecret(String value) {
        char first = value.charAt(0);
        char last = value.charAt(value.length() - 1);
        return (first == '*' || first == '_' || last == '*' || last == '_' || last == '.' || last == ',')
                && isKnownNonSecret(MARKDOWN_EMPHASIS.matcher(value).replaceAll(""));
    }

    /**
     * A token standing near a key word with no assignment (the entropy rule): stricter, as prose and tool output
     * hold many long strings: hashes, UUIDs and ids are left alone here.
     */
    static boolean isLooseToken(String value) {
        return !isKnownNonSecret(value) && !UUID.matcher(value).matches() && !HEX.matcher(value).matches() && !isCodeReference(value);
    }

    /**
     * HTTP Basic credentials: base64 of {@code user:password} (RFC 7617), not a word after "Basic", nor an example's
     * {@code user:password} or {@code CLIENT_ID:CLIENT_SECRET}.
     */
    static boolean isBasicCredentials(String value) {
        String text = decodeBase64(value);
        return text != null && text.indexOf(':') > 0 && !isExampleText(text);
    }
}

package dev.agenttelemetry.enricher.prompt;

import dev.agenttelemetry.avro.PromptDetails;
import dev.agenttelemetry.enricher.masking.Masker;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a user prompt asked for: its slash command, flags and @file mentions, and a short masked preview. */
public final class PromptDetailsReader {
    private static final Pattern SLASH_COMMAND = Pattern.compile("^\\s*(/[A-Za-z][\\w:\\-]*)");
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])(--[A-Za-z][\\w-]*)");
    private static final Pattern MENTION = Pattern.compile("(?<![\\w@])@([\\w./~\\-]+)");

    private PromptDetailsReader() {
    }

    public static PromptDetails read(String prompt, Masker masker, int previewChars) {
        Matcher slash = SLASH_COMMAND.matcher(prompt);
        List<String> flags = new ArrayList<>();
        Matcher flag = FLAG.matcher(prompt);
        while (flag.find()) {
            flags.add(flag.group(1));
        }
        List<String> mentions = new ArrayList<>();
        Matcher mention = MENTION.matcher(prompt);
        while (mention.find()) {
            mentions.add(masker.mask(mention.group(1)).text());
        }
        String masked = masker.mask(prompt).text();
        return PromptDetails.newBuilder()
                .setLength(prompt.length())
                .setPreview(masked.length() <= previewChars ? masked : masked.substring(0, previewChars) + "…")
                .setSlashCommand(slash.find() ? slash.group(1) : null)
                .setFlags(flags)
                .setMentions(mentions)
                .build();
    }
}

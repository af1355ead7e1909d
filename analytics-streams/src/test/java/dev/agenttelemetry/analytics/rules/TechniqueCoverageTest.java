package dev.agenttelemetry.analytics.rules;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TechniqueCoverageTest {
    @Test
    void everyRuleTheTableNamesIsShippedAndEveryShippedEventRuleCoversATechnique() {
        List<TechniqueCoverage.Technique> techniques = TechniqueCoverage.defaults();
        Set<String> shipped = RuleBook.defaults().rules().stream().map(RuleDefinition::id).collect(Collectors.toSet());
        Set<String> named = techniques.stream().flatMap(t -> t.rules().stream()).collect(Collectors.toSet());
        assertThat(shipped).containsAll(named);
        Set<String> eventRules = RuleBook.defaults().rules().stream().filter(r -> r.kind() == RuleDefinition.Kind.EVENT)
                .map(RuleDefinition::id).filter(id -> !id.equals("outside_project_access")).collect(Collectors.toSet());
        assertThat(named).containsAll(eventRules);
        assertThat(techniques).hasSizeGreaterThan(80).allSatisfy(t -> {
            assertThat(t.id()).matches("T\\d{4}(\\.\\d{3})?");
            assertThat(t.note()).isNotBlank();
        });
        assertThat(techniques.stream().map(TechniqueCoverage.Technique::id).distinct()).hasSameSizeAs(techniques);
    }

    @Test
    void aMalformedLineIsNamed() {
        assertThatThrownBy(() -> TechniqueCoverage.parse("# comment\nT1000\tname\ttactic\n"))
                .hasMessage("attack-coverage.tsv line 2: expected 5 tab-separated columns, found 3");
    }
}

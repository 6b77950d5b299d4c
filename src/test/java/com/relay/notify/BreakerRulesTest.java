package com.relay.notify;

import static com.relay.notify.BreakerTestSupport.RULES;
import static com.relay.notify.BreakerTestSupport.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.relay.notify.BreakerState.State;
import com.relay.notify.Classification.BreakerOutcome;
import org.junit.jupiter.api.Test;

/** docs/CONTRACT.md#circuit-breaker-vectors B1–B12 (threshold 5, window 60 s, open 30 s, 2 half-open successes). */
class BreakerRulesTest {

    private BreakerState s = BreakerState.INITIAL;

    private void f(double t) { s = RULES.outcome(s, at(t), BreakerOutcome.FAILURE); }
    private void ok(double t) { s = RULES.outcome(s, at(t), BreakerOutcome.SUCCESS); }
    private void n(double t) { s = RULES.outcome(s, at(t), BreakerOutcome.NOT_COUNTED); }

    private BreakerRules.Permission ask(double t) {
        BreakerRules.Permission p = RULES.permission(s, at(t));
        s = p.state();
        return p;
    }

    private void openAt40() {
        for (double t : new double[] {0, 10, 20, 30, 40}) f(t);
    }

    @Test
    void b1FiveFailuresInTheWindowOpen() {
        for (double t : new double[] {0, 10, 20, 30}) {
            f(t);
            assertThat(s.state()).isEqualTo(State.CLOSED);
        }
        f(40);
        assertThat(s.state()).isEqualTo(State.OPEN);
        assertThat(s.openedAt()).isEqualTo(at(40));
        assertThat(s.state().gauge()).isEqualTo(1.0);
    }

    @Test
    void b2TheWindowSlides() {
        for (double t : new double[] {0, 15, 30, 45, 61}) f(t);
        assertThat(s.state()).isEqualTo(State.CLOSED);
        assertThat(RULES.failureCount(s, at(61))).isEqualTo(4);
        f(62);
        assertThat(s.state()).isEqualTo(State.OPEN);
    }

    @Test
    void b3AFailureExactlySixtySecondsOldNoLongerCounts() {
        for (double t : new double[] {0, 10, 20, 30, 60}) f(t);
        assertThat(s.state()).isEqualTo(State.CLOSED);
        assertThat(s.failureTimes()).hasSize(4);
    }

    @Test
    void b4SuccessesDoNotResetTheWindow() {
        for (int i = 0; i <= 8; i++) {
            if (i % 2 == 0) f(i); else ok(i);
            if (i < 8) assertThat(s.state()).isEqualTo(State.CLOSED);
        }
        assertThat(s.state()).isEqualTo(State.OPEN);
        assertThat(s.openedAt()).isEqualTo(at(8));
    }

    @Test
    void b5NotCountedResultsAreIgnored() {
        for (int i = 0; i < 10; i++) n(i * 0.5);
        assertThat(s.state()).isEqualTo(State.CLOSED);
        assertThat(s.failureTimes()).isEmpty();
        for (int i = 0; i < 5; i++) {
            assertThat(s.state()).isEqualTo(State.CLOSED);
            f(5 + i);
        }
        assertThat(s.state()).isEqualTo(State.OPEN);
    }

    @Test
    void b6ToB8OpenThenProbesThenClosed() {
        openAt40();
        assertThat(ask(50).granted()).isFalse();
        assertThat(ask(69.999).granted()).isFalse();
        assertThat(RULES.blocked(s, at(69.999))).isTrue();
        // B7
        assertThat(RULES.blocked(s, at(70))).isFalse();
        BreakerRules.Permission probe = ask(70);
        assertThat(probe.granted()).isTrue();
        assertThat(probe.probe()).isTrue();
        assertThat(s.state()).isEqualTo(State.HALF_OPEN);
        assertThat(s.state().gauge()).isEqualTo(0.5);
        assertThat(ask(70.5).granted()).isFalse();
        assertThat(RULES.blocked(s, at(70.5))).isTrue();
        // B8
        ok(70.8);
        assertThat(s.halfOpenSuccesses()).isEqualTo(1);
        assertThat(ask(71).granted()).isTrue();
        ok(71.3);
        assertThat(s.state()).isEqualTo(State.CLOSED);
        assertThat(s.failureTimes()).isEmpty();
        assertThat(s.state().gauge()).isEqualTo(0.0);
        f(72);
        assertThat(s.state()).isEqualTo(State.CLOSED);
        assertThat(s.failureTimes()).hasSize(1);
    }

    @Test
    void b9AFailedProbeReopens() {
        openAt40();
        ask(70);
        ok(70.8);
        assertThat(ask(75).granted()).isTrue();
        f(80);
        assertThat(s.state()).isEqualTo(State.OPEN);
        assertThat(s.openedAt()).isEqualTo(at(80));
        assertThat(s.halfOpenSuccesses()).isZero();
        assertThat(ask(109).granted()).isFalse();
        BreakerRules.Permission p = ask(110);
        assertThat(p.granted()).isTrue();
        assertThat(p.probe()).isTrue();
        assertThat(s.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void b10ANotCountedProbeFreesTheSlot() {
        openAt40();
        ask(70);
        n(70.5);
        assertThat(s.state()).isEqualTo(State.HALF_OPEN);
        assertThat(s.probeExpiresAt()).isNull();
        assertThat(s.halfOpenSuccesses()).isZero();
        assertThat(ask(71).granted()).isTrue();
        ok(71.5);
        assertThat(ask(72).granted()).isTrue();
        ok(72.5);
        assertThat(s.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void b11AProbeWhoseProcessDiedExpires() {
        openAt40();
        ask(70);
        assertThat(s.probeExpiresAt()).isEqualTo(at(85));
        assertThat(ask(84).granted()).isFalse();
        BreakerRules.Permission p = ask(85);
        assertThat(p.granted()).isTrue();
        assertThat(p.probe()).isTrue();
    }

    @Test
    void b12LateResultsWhileOpenAreIgnored() {
        openAt40();
        BreakerState open = s;
        ok(41);
        assertThat(s).isEqualTo(open);
        f(42);
        assertThat(s).isEqualTo(open);
        assertThat(s.openedAt()).isEqualTo(at(40));
    }

    @Test
    void deferralDelays() {
        BreakerState open = new BreakerState(State.OPEN, java.util.List.of(), at(100), 0, null, 0);
        assertThat(RULES.deferralSeconds(open, at(112.4), 0)).isEqualTo(18);
        assertThat(RULES.deferralSeconds(open, at(112.4), 5)).isEqualTo(23);
        assertThat(RULES.deferralSeconds(open, at(100.2), 0)).isEqualTo(30);
        assertThat(RULES.deferralSeconds(open, at(100.2), 3)).isEqualTo(33);
        BreakerState halfOpen = new BreakerState(State.HALF_OPEN, java.util.List.of(), at(100), 0, at(200), 0);
        assertThat(RULES.deferralSeconds(halfOpen, at(150), 0)).isEqualTo(1);
        assertThat(RULES.deferralSeconds(halfOpen, at(150), 4)).isEqualTo(5);
        BreakerRules longOpen = new BreakerRules(5, java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(5000), 2,
                java.time.Duration.ofSeconds(15));
        assertThat(longOpen.deferralSeconds(open, at(100.2), 0)).isEqualTo(900);
    }
}

import { Section } from './Section';
import { SettingField } from './SettingField';

/** Default limits and budgets of a run, and the time limits of the agent's tools. */
export function LimitsSection() {
  return (
    <Section
      id="limits"
      title="Limits & budgets"
      intro="Used by runs whose project.yaml or form does not set them. A run stops at the first limit it reaches."
    >
      <div className="form">
        <SettingField
          name="defaultMaxSteps"
          label="Max steps per run"
          inputMode="numeric"
          hint="Hill-climbing experiments before a run stops (1–1000)."
        />
        <SettingField
          name="defaultMaxConsecutiveFailures"
          label="Max failures in a row"
          inputMode="numeric"
          hint="Stop after this many failed experiments in a row (1–1000)."
        />
        <SettingField
          name="defaultMaxCostUsd"
          label="Cost budget"
          unit="USD"
          inputMode="decimal"
          placeholder="no cap"
          hint="Stop when LLM spending reaches it. Empty: no cap."
        />
        <SettingField
          name="defaultMaxWallMinutes"
          label="Wall-clock budget"
          unit="min"
          inputMode="decimal"
          placeholder="no cap"
          hint="Stop after this much wall-clock time. Empty: no cap."
        />
      </div>
      <h3>Tool time limits</h3>
      <p className="hint">
        How long one command of the agent may run before it is stopped. A longer limit the model asks for is
        kept, up to 4×.
      </p>
      <div className="form">
        <SettingField
          name="shellTimeoutSeconds"
          label="Shell command"
          unit="s"
          inputMode="numeric"
          hint="5–86400 s."
        />
        <SettingField
          name="pythonTimeoutSeconds"
          label="Python script"
          unit="s"
          inputMode="numeric"
          hint="5–86400 s."
        />
        <SettingField
          name="testTimeoutSeconds"
          label="Tests (pytest)"
          unit="s"
          inputMode="numeric"
          hint="5–86400 s."
        />
        <SettingField
          name="trainingTimeoutMinutes"
          label="Training"
          unit="min"
          inputMode="numeric"
          hint="1–10080 min."
        />
        <SettingField
          name="evaluateTimeoutMinutes"
          label="Evaluation"
          unit="min"
          inputMode="numeric"
          hint="1–1440 min."
        />
      </div>
    </Section>
  );
}

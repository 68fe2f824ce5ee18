"""procurement cases, prior participants, tenderers

Revision ID: 27f094647535
Revises: d0dbc1180d47
Create Date: 2026-11-25 22:15:59.985505

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '27f094647535'
down_revision = 'd0dbc1180d47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('procurement_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('planning', 'published', 'tenders_received', 'evaluation', 'awarded', 'contract_signed', 'completed', 'cancelled', name='casestatus', native_enum=False, length=20), nullable=False),
    sa.Column('public_reason', sa.Text(), nullable=True),
    sa.Column('was_published', sa.Boolean(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('contract_kind', sa.Enum('supplies', 'services', 'works', 'social_services', name='contractkind', native_enum=False, length=20), nullable=False),
    sa.Column('authority_type', sa.Enum('central_government', 'sub_central', 'body_governed_by_public_law', name='authoritytype', native_enum=False, length=32), nullable=False),
    sa.Column('estimated_value_eur', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('cpv_codes', sa.JSON(), nullable=False),
    sa.Column('lots', sa.JSON(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=True),
    sa.Column('procedure', sa.Enum('open', 'restricted', 'competitive_with_negotiation', 'competitive_dialogue', 'innovation_partnership', 'negotiated_without_publication', 'design_contest', 'pre_commercial', 'below_threshold', name='procedure', native_enum=False, length=40), nullable=True),
    sa.Column('instrument', sa.Enum('none', 'framework', 'dynamic_purchasing', name='instrument', native_enum=False, length=24), nullable=False),
    sa.Column('framework_years', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('art_26_ground', sa.String(length=20), nullable=True),
    sa.Column('art_32_ground', sa.String(length=20), nullable=True),
    sa.Column('art_32_justification', sa.Text(), nullable=True),
    sa.Column('partnership_phases', sa.Text(), nullable=True),
    sa.Column('partnership_targets', sa.Text(), nullable=True),
    sa.Column('partnership_remuneration', sa.Text(), nullable=True),
    sa.Column('pcp_benefits_shared', sa.Boolean(), nullable=True),
    sa.Column('pcp_not_wholly_paid', sa.Boolean(), nullable=True),
    sa.Column('pin_used', sa.Boolean(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('urgency_reason', sa.Text(), nullable=True),
    sa.Column('electronic_submission', sa.Boolean(), nullable=False),
    sa.Column('agreed_with_all_candidates', sa.Boolean(), nullable=False),
    sa.Column('candidates_invited', sa.Integer(), nullable=True),
    sa.Column('holidays', sa.JSON(), nullable=False),
    sa.Column('pin_sent_on', sa.Date(), nullable=True),
    sa.Column('consultation_on', sa.Date(), nullable=True),
    sa.Column('notice_sent_on', sa.Date(), nullable=True),
    sa.Column('notice_reference', sa.String(length=100), nullable=True),
    sa.Column('invitations_sent_on', sa.Date(), nullable=True),
    sa.Column('clarification_deadline', sa.Date(), nullable=True),
    sa.Column('requests_deadline', sa.Date(), nullable=True),
    sa.Column('tenders_deadline', sa.Date(), nullable=True),
    sa.Column('tenders_received', sa.Integer(), nullable=True),
    sa.Column('tenders_from_smes', sa.Integer(), nullable=True),
    sa.Column('tenders_from_other_states', sa.Integer(), nullable=True),
    sa.Column('award_decision_sent_on', sa.Date(), nullable=True),
    sa.Column('contract_signed_on', sa.Date(), nullable=True),
    sa.Column('award_notice_sent_on', sa.Date(), nullable=True),
    sa.Column('above_threshold', sa.Boolean(), nullable=True),
    sa.Column('award_notice_due', sa.Date(), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('supplier_name', sa.String(length=200), nullable=True),
    sa.Column('supplier_is_sme', sa.Boolean(), nullable=True),
    sa.Column('supplier_country', sa.String(length=2), nullable=True),
    sa.Column('contract_value_eur', sa.Numeric(precision=15, scale=2), nullable=True),
    sa.Column('contract_months', sa.Integer(), nullable=True),
    sa.Column('award_reasons', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['authority_id'], ['organisations.id'], name=op.f('fk_procurement_cases_authority_id_organisations')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_procurement_cases_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_procurement_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['supplier_id'], ['organisations.id'], name=op.f('fk_procurement_cases_supplier_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurement_cases'))
    )
    with op.batch_alter_table('procurement_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_cases_above_threshold'), ['above_threshold'], unique=False)
        batch_op.create_index(batch_op.f('ix_procurement_cases_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_procurement_cases_award_notice_due'), ['award_notice_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_procurement_cases_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_procurement_cases_procedure'), ['procedure'], unique=False)
        batch_op.create_index(batch_op.f('ix_procurement_cases_status'), ['status'], unique=False)

    op.create_table('procurement_prior_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('how', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['procurement_cases.id'], name=op.f('fk_procurement_prior_participants_case_id_procurement_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_procurement_prior_participants_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurement_prior_participants'))
    )
    with op.batch_alter_table('procurement_prior_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_prior_participants_case_id'), ['case_id'], unique=False)

    op.create_table('procurement_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('planning', 'published', 'tenders_received', 'evaluation', 'awarded', 'contract_signed', 'completed', 'cancelled', name='casestatus', native_enum=False, length=20), nullable=False),
    sa.Column('to_status', sa.Enum('planning', 'published', 'tenders_received', 'evaluation', 'awarded', 'contract_signed', 'completed', 'cancelled', name='casestatus', native_enum=False, length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_procurement_status_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['procurement_cases.id'], name=op.f('fk_procurement_status_changes_case_id_procurement_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurement_status_changes'))
    )
    with op.batch_alter_table('procurement_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_status_changes_case_id'), ['case_id'], unique=False)

    op.create_table('procurement_case_pilots',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['procurement_cases.id'], name=op.f('fk_procurement_case_pilots_case_id_procurement_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_procurement_case_pilots_pilot_id_pilots')),
    sa.PrimaryKeyConstraint('case_id', 'pilot_id', name=op.f('pk_procurement_case_pilots'))
    )
    with op.batch_alter_table('procurement_case_pilots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_case_pilots_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('procurement_tenderers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('is_sme', sa.Boolean(), nullable=False),
    sa.Column('admitted', sa.Boolean(), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('prior_participant_id', sa.Integer(), nullable=True),
    sa.Column('info_shared_on', sa.Date(), nullable=True),
    sa.Column('info_shared', sa.Text(), nullable=True),
    sa.Column('time_limits_note', sa.Text(), nullable=True),
    sa.Column('excluded', sa.Boolean(), nullable=False),
    sa.Column('exclusion_hearing_on', sa.Date(), nullable=True),
    sa.Column('exclusion_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['procurement_cases.id'], name=op.f('fk_procurement_tenderers_case_id_procurement_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_procurement_tenderers_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['prior_participant_id'], ['procurement_prior_participants.id'], name=op.f('fk_procurement_tenderers_prior_participant_id_procurement_prior_participants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurement_tenderers'))
    )
    with op.batch_alter_table('procurement_tenderers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_tenderers_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('procurement_tenderers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_tenderers_case_id'))

    op.drop_table('procurement_tenderers')
    with op.batch_alter_table('procurement_case_pilots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_case_pilots_pilot_id'))

    op.drop_table('procurement_case_pilots')
    with op.batch_alter_table('procurement_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_status_changes_case_id'))

    op.drop_table('procurement_status_changes')
    with op.batch_alter_table('procurement_prior_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_prior_participants_case_id'))

    op.drop_table('procurement_prior_participants')
    with op.batch_alter_table('procurement_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_cases_status'))
        batch_op.drop_index(batch_op.f('ix_procurement_cases_procedure'))
        batch_op.drop_index(batch_op.f('ix_procurement_cases_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_procurement_cases_award_notice_due'))
        batch_op.drop_index(batch_op.f('ix_procurement_cases_authority_id'))
        batch_op.drop_index(batch_op.f('ix_procurement_cases_above_threshold'))

    op.drop_table('procurement_cases')
